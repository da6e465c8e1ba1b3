/** Client-credentials access tokens for the Spotify Web API, and the one HTTP call shape both Spotify hosts share. */
import { z } from 'zod';
import { MoodError, MoodErrorCode } from '../errors.ts';

export interface SpotifyResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;
}

/**
 * One request with a deadline that also covers reading the body. Network failures and timeouts become
 * retryable `MoodError(SpotifyUnavailable)`s whose messages never carry request headers.
 */
export async function fetchSpotify(
  fetchImpl: typeof fetch,
  url: string,
  init: RequestInit,
  timeoutMs: number,
  what: string,
): Promise<SpotifyResponse> {
  try {
    const response = await fetchImpl(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    const body = await response.text();
    return { status: response.status, headers: response.headers, body };
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    const reason = timedOut ? `timed out after ${timeoutMs} ms` : 'failed (network error)';
    throw new MoodError(MoodErrorCode.SpotifyUnavailable, `${what} ${reason}`, {
      retryable: true,
      cause: error,
    });
  }
}

const TokenResponse = z.object({
  access_token: z.string().min(1),
  token_type: z.string().refine((type) => type.toLowerCase() === 'bearer'),
  expires_in: z.number().positive(),
});

export interface SpotifyTokenProviderOptions {
  readonly clientId: string;
  readonly clientSecret: string;
  /** e.g. `https://accounts.spotify.com`; the token endpoint is `{accountsUrl}/api/token`. */
  readonly accountsUrl: string;
  readonly timeoutMs: number;
  readonly fetch?: typeof fetch;
}

/** Refresh this long before Spotify says the token expires, so a request never starts with a dying token. */
const REFRESH_MARGIN_SECONDS = 60;

/**
 * Caches one app access token in memory; concurrent callers share one in-flight request.
 * The credentials live only in a private field, so a logger serialising this object never sees them.
 */
export class SpotifyTokenProvider {
  readonly #tokenUrl: string;
  readonly #authorization: string;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch;
  #cached: { readonly token: string; readonly refreshAt: number } | undefined;
  #inFlight: Promise<string> | undefined;

  constructor(options: SpotifyTokenProviderOptions) {
    this.#tokenUrl = `${options.accountsUrl.replace(/\/+$/, '')}/api/token`;
    this.#authorization = `Basic ${Buffer.from(`${options.clientId}:${options.clientSecret}`).toString('base64')}`;
    this.#timeoutMs = options.timeoutMs;
    this.#fetch = options.fetch ?? globalThis.fetch;
  }

  /** A valid access token; throws `MoodError(SpotifyUnavailable)` (retryable unless Spotify refused the credentials). */
  getToken(): Promise<string> {
    const cached = this.#cached;
    if (cached !== undefined && Date.now() < cached.refreshAt) return Promise.resolve(cached.token);
    this.#inFlight ??= this.#request().finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  /** Drops the cached token after Spotify rejected it (401); with `token`, only if it is still the cached one. */
  invalidate(token?: string): void {
    if (token === undefined || this.#cached?.token === token) this.#cached = undefined;
  }

  async #request(): Promise<string> {
    const response = await fetchSpotify(
      this.#fetch,
      this.#tokenUrl,
      {
        method: 'POST',
        headers: {
          Authorization: this.#authorization,
          'Content-Type': 'application/x-www-form-urlencoded',
          Accept: 'application/json',
        },
        body: new URLSearchParams({ grant_type: 'client_credentials' }).toString(),
      },
      this.#timeoutMs,
      'Spotify token request',
    );
    if (response.status !== 200) {
      const retryable = response.status >= 500 || response.status === 429;
      throw new MoodError(
        MoodErrorCode.SpotifyUnavailable,
        `Spotify token request failed (HTTP ${response.status}${oauthErrorCode(response.body)})`,
        { retryable },
      );
    }
    const parsed = TokenResponse.safeParse(parseJson(response.body));
    if (!parsed.success) {
      throw new MoodError(MoodErrorCode.SpotifyUnavailable, 'Spotify token response was malformed', {
        retryable: true,
      });
    }
    const { access_token: token, expires_in: expiresIn } = parsed.data;
    // Very short lifetimes (tests, proxies) keep at least half of their validity instead of none.
    const margin = Math.min(REFRESH_MARGIN_SECONDS, expiresIn / 2);
    this.#cached = { token, refreshAt: Date.now() + (expiresIn - margin) * 1000 };
    return token;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The OAuth `error` code (e.g. `invalid_client`) helps an admin; the description and body are not echoed. */
function oauthErrorCode(body: string): string {
  const parsed = z.object({ error: z.string().regex(/^[a-z_]{1,40}$/) }).safeParse(parseJson(body));
  return parsed.success ? `, ${parsed.data.error}` : '';
}
