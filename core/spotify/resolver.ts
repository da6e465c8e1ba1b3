/**
 * Attaches a Spotify link to every track: a cached or freshly searched track URL, or a search URL when
 * Spotify has no match, is unreachable, rate-limits us, or no credentials are configured.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import pLimit, { type LimitFunction } from 'p-limit';
import pRetry from 'p-retry';
import { z } from 'zod';
import type { Config } from '../config.ts';
import { isMoodError, MoodError, MoodErrorCode } from '../errors.ts';
import type { LinkCache, LinkRequest, LinkResolver, ResolvedLink } from '../ports.ts';
import type { SongId } from '../types.ts';
import { spotifySearchUrl } from './search-url.ts';
import { fetchSpotify, SpotifyTokenProvider } from './token.ts';

export interface SpotifyLinkResolverOptions {
  readonly config: Config['spotify'];
  readonly cache: LinkCache;
  readonly fetch?: typeof fetch;
  readonly log?: { warn(obj: object, msg: string): void };
}

/** A Retry-After up to this is waited out; a longer one switches to search links until it has passed. */
const MAX_RATE_LIMIT_WAIT_MS = 5_000;
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

// Spotify rate-limits per app, so every resolver of one app in this process shares the pause (keyed by API and client).
const rateLimitedUntil = new Map<string, number>();

const SearchResponse = z.object({ tracks: z.object({ items: z.array(z.unknown()) }) });
const TrackItem = z.object({ external_urls: z.object({ spotify: z.url({ protocol: /^https$/ }) }) });

type Lookup =
  | { readonly kind: 'hit'; readonly url: string }
  | { readonly kind: 'miss' }
  | { readonly kind: 'failed' };

const noLog = { warn: () => {} };

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

export class SpotifyLinkResolver implements LinkResolver {
  readonly name: string;
  readonly #config: Config['spotify'];
  readonly #cache: LinkCache;
  readonly #fetch: typeof fetch;
  readonly #log: { warn(obj: object, msg: string): void };
  readonly #tokens: SpotifyTokenProvider | undefined;
  readonly #limit: LimitFunction;
  readonly #rateLimitKey: string;

  constructor(options: SpotifyLinkResolverOptions) {
    const { config } = options;
    this.#config = config;
    this.#cache = options.cache;
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#log = options.log ?? noLog;
    this.#limit = pLimit(config.concurrency);
    this.#rateLimitKey = `${config.apiUrl} ${config.clientId ?? ''}`;
    if (config.clientId && config.clientSecret) {
      this.#tokens = new SpotifyTokenProvider({
        clientId: config.clientId,
        clientSecret: config.clientSecret,
        accountsUrl: config.accountsUrl,
        timeoutMs: config.timeoutMs,
        fetch: this.#fetch,
      });
      this.name = 'spotify';
    } else {
      this.name = 'spotify-search';
    }
  }

  async resolve(requests: readonly LinkRequest[]): Promise<ResolvedLink[]> {
    const tokens = this.#tokens;
    if (tokens === undefined || requests.length === 0) return requests.map(searchLink);

    const unique = new Map<SongId, LinkRequest>();
    for (const request of requests) if (!unique.has(request.songId)) unique.set(request.songId, request);

    const links = new Map<SongId, ResolvedLink>();
    const cached = await this.#readCache([...unique.keys()]);
    const pending: LinkRequest[] = [];
    for (const [songId, request] of unique) {
      if (!cached.has(songId)) pending.push(request);
      else links.set(songId, cached.get(songId) ?? searchLink(request));
    }

    if (pending.length > 0) {
      const lookups = await this.#lookupAll(tokens, pending);
      const hits: { songId: SongId; link: ResolvedLink }[] = [];
      const misses: { songId: SongId; link: null }[] = [];
      pending.forEach((request, i) => {
        const lookup = lookups[i];
        if (lookup?.kind === 'hit') {
          const link: ResolvedLink = { url: lookup.url, kind: 'track' };
          links.set(request.songId, link);
          hits.push({ songId: request.songId, link });
        } else {
          links.set(request.songId, searchLink(request));
          if (lookup?.kind === 'miss') misses.push({ songId: request.songId, link: null });
        }
      });
      await Promise.all([
        this.#writeCache(hits, this.#config.hitTtlSeconds),
        this.#writeCache(misses, this.#config.missTtlSeconds),
      ]);
    }

    return requests.map((request) => links.get(request.songId) ?? searchLink(request));
  }

  async #lookupAll(tokens: SpotifyTokenProvider, pending: readonly LinkRequest[]): Promise<Lookup[]> {
    const failedAll = (): Lookup[] => pending.map(() => ({ kind: 'failed' }));
    const pausedMs = this.#rateLimitRemainingMs();
    if (pausedMs > MAX_RATE_LIMIT_WAIT_MS) {
      this.#log.warn(
        { songs: pending.length, retryAfterSeconds: Math.ceil(pausedMs / 1000) },
        'Spotify is rate-limiting us; using search links',
      );
      return failedAll();
    }
    // One token fetch up front: when Spotify refuses the credentials, no song needs to ask again.
    try {
      await pRetry(() => tokens.getToken(), this.#retryOptions());
    } catch (error) {
      this.#log.warn(
        { songs: pending.length, error: describeError(error) },
        'Spotify token unavailable; using search links',
      );
      return failedAll();
    }
    let rateLimitLogged = false;
    return Promise.all(
      pending.map((request) =>
        this.#limit(async (): Promise<Lookup> => {
          try {
            return await this.#lookup(tokens, request);
          } catch (error) {
            const rateLimited = isMoodError(error, MoodErrorCode.SpotifyRateLimited);
            if (!rateLimited || !rateLimitLogged) {
              rateLimitLogged ||= rateLimited;
              this.#log.warn(
                { songId: request.songId, error: describeError(error) },
                'Spotify lookup failed; using a search link',
              );
            }
            return { kind: 'failed' };
          }
        }),
      ),
    );
  }

  #lookup(tokens: SpotifyTokenProvider, request: LinkRequest): Promise<Lookup> {
    const params = new URLSearchParams({
      q: spotifySearchQuery(request.name, request.artist),
      type: 'track',
      limit: '1',
    });
    if (this.#config.market) params.set('market', this.#config.market);
    const url = `${this.#config.apiUrl.replace(/\/+$/, '')}/search?${params.toString()}`;
    // Shared by the attempts p-retry makes, so a 401 refresh and the short 429 waits are bounded per song.
    const state = { refreshedToken: false, rateLimitWaits: 0 };
    return pRetry(() => this.#attempt(tokens, url, state), this.#retryOptions());
  }

  async #attempt(
    tokens: SpotifyTokenProvider,
    url: string,
    state: { refreshedToken: boolean; rateLimitWaits: number },
  ): Promise<Lookup> {
    for (;;) {
      await this.#waitOutRateLimit();
      const token = await tokens.getToken();
      const response = await fetchSpotify(
        this.#fetch,
        url,
        { headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' } },
        this.#config.timeoutMs,
        'Spotify search',
      );
      if (response.status === 401 && !state.refreshedToken) {
        state.refreshedToken = true;
        tokens.invalidate(token);
        continue;
      }
      if (response.status === 429) {
        const seconds = retryAfterSeconds(response.headers.get('retry-after'));
        this.#pauseFor(seconds);
        if (seconds * 1000 <= MAX_RATE_LIMIT_WAIT_MS && state.rateLimitWaits < MAX_RATE_LIMIT_WAITS) {
          state.rateLimitWaits += 1;
          continue;
        }
        throw new MoodError(
          MoodErrorCode.SpotifyRateLimited,
          `Spotify search rate-limited for ${seconds} s`,
          {
            retryAfterSeconds: seconds,
          },
        );
      }
      if (response.status !== 200) {
        throw new MoodError(
          MoodErrorCode.SpotifyUnavailable,
          `Spotify search failed (HTTP ${response.status})`,
          {
            retryable: response.status >= 500,
          },
        );
      }
      return parseSearch(response.body);
    }
  }

  #retryOptions() {
    return {
      retries: TRANSIENT_RETRIES,
      minTimeout: RETRY_MIN_DELAY_MS,
      maxTimeout: RETRY_MAX_DELAY_MS,
      randomize: true,
      shouldRetry: ({ error }: { error: Error }) => isMoodError(error) && error.retryable,
    };
  }

  #rateLimitRemainingMs(): number {
    return (rateLimitedUntil.get(this.#rateLimitKey) ?? 0) - Date.now();
  }

  #pauseFor(seconds: number): void {
    const until = Date.now() + seconds * 1000;
    if (until > (rateLimitedUntil.get(this.#rateLimitKey) ?? 0))
      rateLimitedUntil.set(this.#rateLimitKey, until);
  }

  async #waitOutRateLimit(): Promise<void> {
    const remaining = this.#rateLimitRemainingMs();
    if (remaining <= 0) return;
    if (remaining > MAX_RATE_LIMIT_WAIT_MS) {
      const seconds = Math.ceil(remaining / 1000);
      throw new MoodError(MoodErrorCode.SpotifyRateLimited, `Spotify search rate-limited for ${seconds} s`, {
        retryAfterSeconds: seconds,
      });
    }
    await sleep(remaining);
  }

  async #readCache(songIds: readonly SongId[]): Promise<Map<SongId, ResolvedLink | null>> {
    try {
      return await this.#cache.get(songIds);
    } catch (error) {
      this.#log.warn(
        { songs: songIds.length, error: describeError(error) },
        'Link cache read failed; ignoring it',
      );
      return new Map();
    }
  }

  async #writeCache(entries: readonly { songId: SongId; link: ResolvedLink | null }[], ttlSeconds: number) {
    if (entries.length === 0 || ttlSeconds <= 0) return;
    try {
      await this.#cache.put(entries, ttlSeconds);
    } catch (error) {
      this.#log.warn(
        { songs: entries.length, error: describeError(error) },
        'Link cache write failed; ignoring it',
      );
    }
  }
}

function searchLink(request: LinkRequest): ResolvedLink {
  return { url: spotifySearchUrl(request.name, request.artist), kind: 'search' };
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

/** What a log line may carry about a failure: the code and our own message, never headers or bodies. */
function describeError(error: unknown): object {
  if (error instanceof MoodError) {
    return { code: error.code, message: error.message, retryAfterSeconds: error.retryAfterSeconds };
  }
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { message: String(error) };
}
