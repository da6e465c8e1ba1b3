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
  /** The model API refused the request for good: its key, its model name (401, 403, 404). */
  ModelRejected: 'ModelRejected',
  CatalogEmpty: 'CatalogEmpty',
  /** The catalog has songs, but none pass the request's filters (a year range). */
  NoMatches: 'NoMatches',
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

const GENERIC_FAILURE = 'Something went wrong while brewing your playlist. Please try again.';

/** What a user is told for each code: short, friendly, never a stack trace or a secret. */
export function userMessage(error: unknown): string {
  if (!(error instanceof MoodError)) return GENERIC_FAILURE;
  switch (error.code) {
    case MoodErrorCode.EmptyMood:
    case MoodErrorCode.MoodTooLong:
      return error.message;
    case MoodErrorCode.MoodNotUnderstood:
      return 'I could not find words I understand in that mood. Try describing it in a few English words.';
    case MoodErrorCode.EmbeddingUnavailable:
      return 'The music brain is unavailable right now. Please try again in a minute.';
    case MoodErrorCode.ModelRejected:
      return 'The music brain refused Sonic Mood’s credentials or model name. Please tell an admin.';
    case MoodErrorCode.CatalogEmpty:
      return 'No song catalog is live yet. An admin needs to load songs and run a re-index (or check /mood-admin status if one failed).';
    case MoodErrorCode.NoMatches:
      return 'No songs in the catalog match those filters. Try a wider year range, or fewer exclusions.';
    case MoodErrorCode.IndexMismatch:
      return 'The live song index was built with a model this worker cannot use. An admin needs to configure the worker for that model or re-index.';
    // Never a playlist's outcome: a writer that fails gives way to the local one (writer-fallback.ts), and a
    // Spotify failure to a search link (spotify/resolver.ts). Should one ever escape, it is a plain failure.
    case MoodErrorCode.WriterUnavailable:
    case MoodErrorCode.SpotifyRateLimited:
    case MoodErrorCode.SpotifyUnavailable:
      return GENERIC_FAILURE;
    case MoodErrorCode.ConfigInvalid:
      return 'Sonic Mood is not configured correctly. Please tell an admin.';
  }
}
