/**
 * Attaches a Spotify link to every track: a cached or freshly searched track URL, or a search URL when
 * Spotify has no match, is unreachable, rate-limits us, or no credentials are configured. The searching
 * itself (token, rate limit, retries) is the {@link SpotifyClient}'s.
 */
import pLimit, { type LimitFunction } from 'p-limit';
import type { Config } from '../config.ts';
import { isMoodError, MoodError, MoodErrorCode } from '../errors.ts';
import { spotifySearchUrl } from '../listen-links.ts';
import type { LinkCache, LinkRequest, LinkResolver, ResolvedLink } from '../ports.ts';
import type { SongId } from '../types.ts';
import { type Lookup, MAX_RATE_LIMIT_WAIT_MS, SpotifyClient } from './client.ts';

export interface SpotifyLinkResolverOptions {
  readonly config: Config['spotify'];
  readonly cache: LinkCache;
  readonly fetch?: typeof fetch;
  readonly log?: { warn(obj: object, msg: string): void };
}

type CacheEntry = { songId: SongId; link: ResolvedLink | null };

const noLog = { warn: () => {} };

export class SpotifyLinkResolver implements LinkResolver {
  readonly name: string;
  readonly #config: Config['spotify'];
  readonly #cache: LinkCache;
  readonly #log: { warn(obj: object, msg: string): void };
  readonly #client: SpotifyClient | undefined;
  readonly #limit: LimitFunction;

  constructor(options: SpotifyLinkResolverOptions) {
    const { config } = options;
    const { clientId, clientSecret } = config;
    this.#config = config;
    this.#cache = options.cache;
    this.#log = options.log ?? noLog;
    this.#limit = pLimit(config.concurrency);
    this.#client =
      clientId && clientSecret
        ? new SpotifyClient({ ...config, clientId, clientSecret }, options.fetch)
        : undefined;
    this.name = this.#client ? 'spotify' : 'spotify-search';
  }

  async resolve(requests: readonly LinkRequest[]): Promise<ResolvedLink[]> {
    const client = this.#client;
    if (client === undefined || requests.length === 0) return requests.map(searchLink);

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
      const lookups = await this.#lookupAll(client, pending);
      const hits: CacheEntry[] = [];
      const misses: CacheEntry[] = [];
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

  async #lookupAll(client: SpotifyClient, pending: readonly LinkRequest[]): Promise<Lookup[]> {
    const failedAll = (): Lookup[] => pending.map(() => ({ kind: 'failed' }));
    const pausedMs = client.rateLimitRemainingMs();
    if (pausedMs > MAX_RATE_LIMIT_WAIT_MS) {
      this.#log.warn(
        { songs: pending.length, retryAfterSeconds: Math.ceil(pausedMs / 1000) },
        'Spotify is rate-limiting us; using search links',
      );
      return failedAll();
    }
    try {
      await client.authorize();
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
            return await client.search(request.name, request.artist);
          } catch (error) {
            // One line for a rate limit that fails every song of the playlist, not one per song.
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

  async #writeCache(entries: readonly CacheEntry[], ttlSeconds: number) {
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

/** What a log line may carry about a failure: the code and our own message, never headers or bodies. */
function describeError(error: unknown): object {
  if (error instanceof MoodError) {
    return { code: error.code, message: error.message, retryAfterSeconds: error.retryAfterSeconds };
  }
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { message: String(error) };
}
