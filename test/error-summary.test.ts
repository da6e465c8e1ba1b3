/** The one line a failed command prints: never "[object Object]", whatever was thrown. */
import { describe, expect, it } from 'vitest';
import { errorSummary } from '../cli/app.ts';

describe('errorSummary', () => {
  it('reads errors, error-like objects and bare objects into words', () => {
    expect(errorSummary(new Error('disk quota exceeded')).message).toBe('disk quota exceeded');
    // Emscripten's ErrnoError-like objects carry errno/code but are not Errors.
    expect(errorSummary({ errno: 28, code: 'ENOSPC' }).message).toContain('ENOSPC');
    expect(errorSummary({ message: 'PGlite failed to initialize properly' }).message).toBe(
      'PGlite failed to initialize properly',
    );
    for (const thrown of [{}, Object.create(null), { toJSON: () => ({}) }]) {
      const { message } = errorSummary(thrown);
      expect(message).not.toMatch(/\[object Object\]/);
      expect(message.length).toBeGreaterThan(10);
    }
  });
});
