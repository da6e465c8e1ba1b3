/** Errors are logged whole (message, stack, cause) but without the credentials clients attach to them. */
import { describe, expect, it } from 'vitest';
import { createLogger } from '../cli/logger.ts';

function logged(fields: object): { line: string; entry: { err?: Record<string, unknown> } } {
  const lines: string[] = [];
  createLogger('info', 'test', { write: (line: string) => void lines.push(line) }).error(fields, 'failed');
  const line = lines[0] ?? '{}';
  return { line, entry: JSON.parse(line) };
}

describe('error logging', () => {
  it('keeps the message, stack and cause of an error logged as { err }', () => {
    const error = new Error('re-index failed', { cause: new Error('connection terminated unexpectedly') });
    const { entry } = logged({ err: error });
    expect(entry.err?.message).toBe('re-index failed');
    expect(entry.err?.stack).toMatch(/^Error: re-index failed\n\s+at /);
    expect(entry.err?.cause).toMatchObject({ message: 'connection terminated unexpectedly' });
  });

  it("drops the credentials clients attach: a Redis AUTH's password, a webhook URL's token, request headers", () => {
    const redisError = Object.assign(new Error('WRONGPASS invalid username-password pair'), {
      command: { name: 'auth', args: ['hunter2'] },
    });
    const discordError = Object.assign(new Error('Unknown Webhook'), {
      status: 404,
      url: 'https://discord.com/api/v10/webhooks/1/aW50ZXJhY3Rpb24tdG9rZW4/messages/@original',
      requestBody: { json: { content: 'hi' } },
    });
    const httpError = Object.assign(new Error('Request failed with status code 404'), {
      config: {
        url: 'https://hooks.slack.com/commands/T1/2/secret',
        headers: { Authorization: 'Bearer xoxb-1' },
      },
      cause: Object.assign(new Error('socket hang up'), { headers: { authorization: 'Bearer xoxb-2' } }),
    });
    for (const err of [redisError, discordError, httpError]) {
      const { line, entry } = logged({ err });
      expect(entry.err?.message).toBe(err.message);
      expect(line).not.toMatch(/hunter2|aW50ZXJhY3Rpb24tdG9rZW4|secret|xoxb/);
    }
    expect(logged({ err: discordError }).entry.err?.status).toBe(404);
  });
});
