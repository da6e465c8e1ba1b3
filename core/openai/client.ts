import OpenAI, { APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import type { Config } from '../config.ts';
import { MoodError, MoodErrorCode } from '../errors.ts';

/**
 * One client per process for every OpenAI-compatible endpoint (Fireworks, OpenAI, Ollama, vLLM).
 * The client's own retries honour 429 `Retry-After` and back off on 5xx and timeouts; `timeout` is per attempt.
 */
export function createOpenAIClient(models: Config['models']): OpenAI {
  if (!models.apiKey) {
    // Without this the client would silently read OPENAI_API_KEY itself, bypassing the parsed config.
    throw new MoodError(MoodErrorCode.ConfigInvalid, 'OPENAI_API_KEY is required for the openai provider');
  }
  return new OpenAI({
    baseURL: models.baseUrl,
    apiKey: models.apiKey,
    timeout: models.timeoutMs,
    maxRetries: models.maxRetries,
  });
}

/** Statuses that will fail the same way on a retry (bad request, bad key, unknown model). */
const PERMANENT_STATUSES = new Set([400, 401, 403, 404, 422]);

/**
 * Turns a failed model call into a coded `MoodError`. The message names only the kind of failure and the
 * HTTP status: the API's own message can echo the key ("Incorrect API key provided: …"), so it stays in `cause`.
 */
export function toModelError(
  code: typeof MoodErrorCode.EmbeddingUnavailable | typeof MoodErrorCode.WriterUnavailable,
  action: string,
  error: unknown,
): MoodError {
  if (error instanceof MoodError) return error;
  if (error instanceof APIUserAbortError) {
    return new MoodError(code, `${action} was aborted`, { retryable: true, cause: error });
  }
  if (error instanceof APIConnectionTimeoutError) {
    return new MoodError(code, `${action} timed out`, { retryable: true, cause: error });
  }
  if (error instanceof APIError && (error.status === 401 || error.status === 403 || error.status === 404)) {
    // A wrong key or model name: no retry will help, and "try again in a minute" would mislead.
    return new MoodError(
      MoodErrorCode.ModelRejected,
      `${action} was refused by the model API (HTTP ${error.status})`,
      {
        cause: error,
      },
    );
  }
  if (error instanceof APIError && typeof error.status === 'number') {
    return new MoodError(code, `${action} failed with HTTP ${error.status}`, {
      retryable: !PERMANENT_STATUSES.has(error.status),
      retryAfterSeconds: error.status === 429 ? retryAfterSeconds(error.headers) : undefined,
      cause: error,
    });
  }
  if (error instanceof APIError) {
    return new MoodError(code, `${action} could not reach the model API`, { retryable: true, cause: error });
  }
  return new MoodError(code, `${action} failed`, { retryable: true, cause: error });
}

/** `Retry-After` is either delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
function retryAfterSeconds(headers: Headers | undefined): number | undefined {
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}
