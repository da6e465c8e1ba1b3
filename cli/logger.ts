import pino, { type Logger } from 'pino';

/**
 * Structured logs to stderr (stdout stays for command output). Anything that looks like a credential is
 * redacted by key name, as a second line of defence behind never logging them in the first place.
 */
export function createLogger(level: string, name = 'sonic-mood'): Logger {
  return pino(
    {
      name,
      level,
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
    pino.destination(2),
  );
}

export type { Logger };
