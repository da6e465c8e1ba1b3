/**
 * Discord signs every request to an Interactions Endpoint URL with the application's Ed25519 key:
 * `X-Signature-Ed25519` is the hex signature of `X-Signature-Timestamp` + the raw body. Discord also sends
 * badly signed requests on purpose, and removes an endpoint that accepts one, so anything that does not verify
 * is refused. Node's own Ed25519 does the check; the public key (hex, General Information → Public Key) becomes
 * a KeyObject once, through the fixed DER header of an Ed25519 SubjectPublicKeyInfo (RFC 8410).
 * https://discord.com/developers/docs/interactions/overview#setting-up-an-endpoint-validating-security-request-headers
 */
import { createPublicKey, verify } from 'node:crypto';

const ED25519_SPKI_HEADER = Buffer.from('302a300506032b6570032100', 'hex');

export type SignatureCheck = (
  signature: string | undefined,
  timestamp: string | undefined,
  body: Buffer,
) => boolean;

/** `publicKeyHex`: the application's 32-byte public key as 64 hex digits (config checks the shape). */
export function interactionSignatureCheck(publicKeyHex: string): SignatureCheck {
  const key = createPublicKey({
    key: Buffer.concat([ED25519_SPKI_HEADER, Buffer.from(publicKeyHex, 'hex')]),
    format: 'der',
    type: 'spki',
  });
  return (signature, timestamp, body) => {
    if (signature === undefined || timestamp === undefined) return false;
    if (!/^[0-9a-f]{128}$/i.test(signature) || !/^\d{1,20}$/.test(timestamp)) return false;
    return verify(
      null,
      Buffer.concat([Buffer.from(timestamp, 'utf8'), body]),
      key,
      Buffer.from(signature, 'hex'),
    );
  };
}
