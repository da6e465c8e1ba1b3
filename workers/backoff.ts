/**
 * How long a failed job waits before its next attempt. BullMQ's built-in strategies know only the attempt
 * number; this one also honours what the failing service asked for: a model API's 429 carries Retry-After,
 * which the core keeps as `MoodError.retryAfterSeconds`, and retrying sooner only earns another 429.
 *
 * BullMQ calls it for jobs whose `backoff` is {@link RETRY_BACKOFF} when the worker was built with
 * `settings: { backoffStrategy }` (a worker without it fails such a job instead of retrying it).
 */
import { isMoodError } from '../core/errors.ts';

/** The job option that sends a retry's delay through the worker's strategy. */
export const RETRY_BACKOFF = { type: 'custom' } as const;

/** The first retry of a mood job waits this long; each later one doubles it (as BullMQ's `exponential`). */
const BASE_RETRY_DELAY_MS = 2_000;

/** Exponential from `baseMs`, or the service's Retry-After when that is longer (a BullMQ `BackoffStrategy`). */
export function retryDelayFrom(baseMs: number) {
  return (attemptsMade: number, _type?: string, error?: Error): number => {
    const exponential = baseMs * 2 ** Math.max(0, attemptsMade - 1);
    return Math.max(exponential, Math.ceil(retryAfterSeconds(error) * 1000));
  };
}

/** Milliseconds until attempt `attemptsMade + 1` of a mood job. */
export const retryDelay = retryDelayFrom(BASE_RETRY_DELAY_MS);

/** What the error, or the error it wraps, said to wait; 0 when nothing. */
function retryAfterSeconds(error: unknown): number {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (isMoodError(e) && e.retryAfterSeconds) return e.retryAfterSeconds;
  }
  return 0;
}
