/**
 * How Discord signs what it POSTs to an Interactions Endpoint URL: Ed25519 over `timestamp + body`, the hex
 * signature in `X-Signature-Ed25519`, the Unix seconds in `X-Signature-Timestamp`, verified against the
 * application's public key (General Information → Public Key, 64 hex digits).
 * https://discord.com/developers/docs/interactions/overview#setting-up-an-endpoint-validating-security-request-headers
 */
import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';

export interface InteractionSigner {
  /** The application's public key as the Developer Portal shows it: hex. */
  readonly publicKey: string;
  /** The two headers Discord sends with `body`, signed at `timestamp` (Unix seconds, now by default). */
  headers(body: string, timestamp?: number): Record<string, string>;
}

export function createInteractionSigner(): InteractionSigner {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const x = publicKey.export({ format: 'jwk' }).x ?? '';
  return {
    publicKey: Buffer.from(x, 'base64url').toString('hex'),
    headers: (body, timestamp = Math.floor(Date.now() / 1000)) => signedHeaders(privateKey, body, timestamp),
  };
}

function signedHeaders(key: KeyObject, body: string, timestamp: number): Record<string, string> {
  const signature = sign(null, Buffer.from(`${timestamp}${body}`, 'utf8'), key).toString('hex');
  return { 'x-signature-ed25519': signature, 'x-signature-timestamp': String(timestamp) };
}
