/**
 * One track search against the Spotify Web API: the query syntax, the bearer token (refreshed once on a 401),
 * Spotify's rate limit (a short Retry-After waited out, a long one shared by every client of the app in this
 * process), retries of transient failures, and a checked response.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import pRetry from 'p-retry';
import { z } from 'zod';
import type { Config } from '../config.ts';
import { isMoodError, MoodError, MoodErrorCode } from '../errors.ts';
import { fetchSpotify, SpotifyTokenProvider } from './token.ts';

/** A Retry-After up to this is waited out; a longer one switches to search links until it has passed. */
export const MAX_RATE_LIMIT_WAIT_MS = 5_000;
/** Short rate-limit waits per song, so a server that keeps answering 429 cannot hold a playlist forever. */
const MAX_RATE_LIMIT_WAITS = 2;
/** Retries after a 5xx, a network error or a timeout. */
const TRANSIENT_RETRIES = 2;
const RETRY_MIN_DELAY_MS = 100;
const RETRY_MAX_DELAY_MS = 1_000;
/** When a 429 carries no usable Retry-After. */
const DEFAULT_RETRY_AFTER_SECONDS = 1;
/** Spotify's search matches on words; an overlong name or artist only adds noise to the query. */
const MAX_FIELD_CHARS = 100;

// Spotify rate-limits per app, so every client of one app in this process shares the pause (keyed by API and client).
const rateLimitedUntil = new Map<string, number>();

const SearchResponse = z.object({ tracks: z.object({ items: z.array(z.unknown()) }) });
const TrackItem = z.object({ external_urls: z.object({ spotify: z.url({ protocol: /^https$/ }) }) });

/** What a search found: a track URL, no match (worth caching), or nothing to go on (not cached). */
export type Lookup =
  | { readonly kind: 'hit'; readonly url: string }
  | { readonly kind: 'miss' }
  | { readonly kind: 'failed' };

/** The `q` parameter of a track search: `track:"name" artist:"artist"`, the artist part only when known. */
export function spotifySearchQuery(name: string, artist: string | null): string {
  const track = `track:"${queryField(name)}"`;
  const by = artist === null ? '' : queryField(artist);
  return by === '' ? track : `${track} artist:"${by}"`;
}

// Spotify's query syntax has no escape for a quote inside a quoted filter, so quotes become spaces.
function queryField(text: string): string {
  const cleaned = text
    .replace(/[\p{Cc}"“”]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return Array.from(cleaned).slice(0, MAX_FIELD_CHARS).join('').trim();
}

type Credentials = Config['spotify'] & { readonly clientId: string; readonly clientSecret: string };

export class SpotifyClient {
  readonly #config: Config['spotify'];
  readonly #fetch: typeof fetch;
  readonly #tokens: SpotifyTokenProvider;
  readonly #rateLimitKey: string;

  constructor(config: Credentials, fetchImpl: typeof fetch = globalThis.fetch) {
    this.#config = config;
    this.#fetch = fetchImpl;
    this.#rateLimitKey = `${config.apiUrl} ${config.clientId}`;
    this.#tokens = new SpotifyTokenProvider({
      clientId: config.clientId,
      clientSecret: config.clientSecret,
      accountsUrl: config.accountsUrl,
      timeoutMs: config.timeoutMs,
      fetch: fetchImpl,
    });
  }

  /** Milliseconds until Spotify accepts this app's searches again (0 or less: now). */
  rateLimitRemainingMs(): number {
    return (rateLimitedUntil.get(this.#rateLimitKey) ?? 0) - Date.now();
  }

  /** Fetches a token now, with retries: when Spotify refuses the credentials, no search needs to ask again. */
  async authorize(): Promise<void> {
    await pRetry(() => this.#tokens.getToken(), retryOptions());
  }

  /** The first track Spotify finds for the song; throws `MoodError(SpotifyRateLimited | SpotifyUnavailable)`. */
  search(name: string, artist: string | null): Promise<Lookup> {
    const params = new URLSearchParams({ q: spotifySearchQuery(name, artist), type: 'track', limit: '1' });
    if (this.#config.market) params.set('market', this.#config.market);
    const url = `${this.#config.apiUrl.replace(/\/+$/, '')}/search?${params.toString()}`;
    // Shared by the attempts p-retry makes, so a 401 refresh and the short 429 waits are bounded per song.
    const state = { refreshedToken: false, rateLimitWaits: 0 };
    return pRetry(() => this.#attempt(url, state), retryOptions());
  }

  async #attempt(url: string, state: { refreshedToken: boolean; rateLimitWaits: number }): Promise<Lookup> {
    for (;;) {
      await this.#waitOutRateLimit();
      const token = await this.#tokens.getToken();
      const response = await fetchSpotify(
        this.#fetch,
        url,
        { headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' } },
        this.#config.timeoutMs,
        'Spotify search',
      );
      if (response.status === 401 && !state.refreshedToken) {
        state.refreshedToken = true;
        this.#tokens.invalidate(token);
        continue;
      }
      if (response.status === 429) {
        const seconds = retryAfterSeconds(response.headers.get('retry-after'));
        this.#pauseFor(seconds);
        if (seconds * 1000 <= MAX_RATE_LIMIT_WAIT_MS && state.rateLimitWaits < MAX_RATE_LIMIT_WAITS) {
          state.rateLimitWaits += 1;
          continue;
        }
        throw rateLimited(seconds);
      }
      if (response.status !== 200) {
        throw new MoodError(
          MoodErrorCode.SpotifyUnavailable,
          `Spotify search failed (HTTP ${response.status})`,
          { retryable: response.status >= 500 },
        );
      }
      return parseSearch(response.body);
    }
  }

  #pauseFor(seconds: number): void {
    const until = Date.now() + seconds * 1000;
    if (until > (rateLimitedUntil.get(this.#rateLimitKey) ?? 0))
      rateLimitedUntil.set(this.#rateLimitKey, until);
  }

  async #waitOutRateLimit(): Promise<void> {
    const remaining = this.rateLimitRemainingMs();
    if (remaining <= 0) return;
    if (remaining > MAX_RATE_LIMIT_WAIT_MS) throw rateLimited(Math.ceil(remaining / 1000));
    await sleep(remaining);
  }
}

const rateLimited = (seconds: number) =>
  new MoodError(MoodErrorCode.SpotifyRateLimited, `Spotify search rate-limited for ${seconds} s`, {
    retryAfterSeconds: seconds,
  });

function retryOptions() {
  return {
    retries: TRANSIENT_RETRIES,
    minTimeout: RETRY_MIN_DELAY_MS,
    maxTimeout: RETRY_MAX_DELAY_MS,
    randomize: true,
    shouldRetry: ({ error }: { error: Error }) => isMoodError(error) && error.retryable,
  };
}

function parseSearch(body: string): Lookup {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new MoodError(MoodErrorCode.SpotifyUnavailable, 'Spotify search returned malformed JSON');
  }
  const parsed = SearchResponse.safeParse(json);
  if (!parsed.success)
    throw new MoodError(MoodErrorCode.SpotifyUnavailable, 'Spotify search response was malformed');
  const [first] = parsed.data.tracks.items;
  if (first === undefined) return { kind: 'miss' };
  const item = TrackItem.safeParse(first);
  if (!item.success)
    throw new MoodError(MoodErrorCode.SpotifyUnavailable, 'Spotify search returned a malformed track');
  return { kind: 'hit', url: item.data.external_urls.spotify };
}

/** Retry-After in seconds (RFC 9110 also allows an HTTP date). */
function retryAfterSeconds(header: string | null): number {
  if (header === null) return DEFAULT_RETRY_AFTER_SECONDS;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  return Number.isNaN(date)
    ? DEFAULT_RETRY_AFTER_SECONDS
    : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}
