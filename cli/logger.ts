import pino, { type Logger } from 'pino';
import type { LogLevel } from '../core/config.ts';

/**
 * Fields of an error that can hold a credential: ioredis puts the command (an AUTH's password) on its reply
 * errors; HTTP clients put the request (headers with a bot token, a webhook or response_url that needs no
 * other credential) on theirs.
 */
const SECRET_FIELDS = ['command', 'config', 'request', 'response', 'headers', 'url', 'requestBody'] as const;

/**
 * pino's error serializer (type, message, stack, and the `cause` chain), minus the fields above at every
 * level of the chain. Logging `{ err }` keeps the stack and the cause an `err.message` would drop.
 */
export function serializeError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  return scrub({ ...pino.stdSerializers.errWithCause(error) });
}

function scrub(serialized: Record<string, unknown>): Record<string, unknown> {
  for (const field of SECRET_FIELDS) if (field in serialized) serialized[field] = '[redacted]';
  const cause = serialized.cause;
  if (typeof cause === 'object' && cause !== null) serialized.cause = scrub({ ...cause });
  return serialized;
}

/**
 * Structured logs to stderr (stdout stays for command output). Anything that looks like a credential is
 * redacted by key name, as a second line of defence behind never logging them in the first place.
 */
export function createLogger(
  level: LogLevel,
  name = 'sonic-mood',
  destination: pino.DestinationStream = pino.destination(2),
): Logger {
  return pino(
    {
      name,
      level,
      serializers: { err: serializeError },
      redact: {
        paths: [
          '*.token',
          '*.apiKey',
          '*.api_key',
          '*.authorization',
          '*.clientSecret',
          '*.password',
          '*.secret',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}

export type { Logger };
