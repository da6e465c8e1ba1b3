/**
 * Every error the recommendation core raises, with a code a worker can map to a friendly message
 * and a retry decision (the Bolt `ErrorCode` pattern: classes and codes, never string matching on names).
 */
export const MoodErrorCode = {
  EmptyMood: 'EmptyMood',
  MoodTooLong: 'MoodTooLong',
  MoodNotUnderstood: 'MoodNotUnderstood',
  EmbeddingUnavailable: 'EmbeddingUnavailable',
  WriterUnavailable: 'WriterUnavailable',
  CatalogEmpty: 'CatalogEmpty',
  IndexMismatch: 'IndexMismatch',
  SpotifyRateLimited: 'SpotifyRateLimited',
  SpotifyUnavailable: 'SpotifyUnavailable',
  ConfigInvalid: 'ConfigInvalid',
} as const;
export type MoodErrorCode = (typeof MoodErrorCode)[keyof typeof MoodErrorCode];

export interface MoodErrorOptions {
  /** True when the same request may succeed later (a model or service hiccup). */
  retryable?: boolean;
  /** Seconds the caller should wait before retrying, when the remote side said so. */
  retryAfterSeconds?: number;
  cause?: unknown;
}

export class MoodError extends Error {
  readonly code: MoodErrorCode;
  readonly retryable: boolean;
  readonly retryAfterSeconds: number | undefined;

  constructor(code: MoodErrorCode, message: string, options: MoodErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'MoodError';
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export function isMoodError(error: unknown, code?: MoodErrorCode): error is MoodError {
  return error instanceof MoodError && (code === undefined || error.code === code);
}

/** What a user is told for each code: short, friendly, never a stack trace or a secret. */
export function userMessage(error: unknown): string {
  if (!(error instanceof MoodError))
    return 'Something went wrong while brewing your playlist. Please try again.';
  switch (error.code) {
    case MoodErrorCode.EmptyMood:
    case MoodErrorCode.MoodTooLong:
      return error.message;
    case MoodErrorCode.MoodNotUnderstood:
      return 'I could not find words I understand in that mood. Try describing it in a few English words.';
    case MoodErrorCode.EmbeddingUnavailable:
    case MoodErrorCode.WriterUnavailable:
      return 'The music brain is unavailable right now. Please try again in a minute.';
    case MoodErrorCode.CatalogEmpty:
    case MoodErrorCode.IndexMismatch:
      return 'The song catalog is not ready yet. An admin needs to run a re-index.';
    case MoodErrorCode.SpotifyRateLimited:
    case MoodErrorCode.SpotifyUnavailable:
      return 'Spotify is busy right now. Please try again in a minute.';
    case MoodErrorCode.ConfigInvalid:
      return 'Sonic Mood is not configured correctly. Please tell an admin.';
  }
}
