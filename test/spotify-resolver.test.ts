import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../core/config.ts';
import { isMoodError } from '../core/errors.ts';
import { spotifySearchUrl } from '../core/listen-links.ts';
import type { LinkCache, LinkRequest, ResolvedLink } from '../core/ports.ts';
import { spotifySearchQuery } from '../core/spotify/client.ts';
import { SpotifyLinkResolver } from '../core/spotify/resolver.ts';
import { SpotifyTokenProvider } from '../core/spotify/token.ts';
import type { SongId } from '../core/types.ts';
import { type FakeSpotify, type FakeSpotifyOptions, startFakeSpotify } from './fakes/spotify-server.ts';

const CLIENT_ID = 'sonic-mood-test-client';
const CLIENT_SECRET = 'pa55-SECRET-do-not-log-7f3a';

const CATALOG = [
  { name: 'Holocene', artist: 'Bon Iver', id: '4fbvXwMTXPWaFyaMWUm9CR' },
  { name: 'Motion Sickness', artist: 'Phoebe Bridgers', id: '5xo8RrjJ9CVNrtRg2S3B1R' },
  { name: 'Re: Stacks', artist: 'Bon Iver', id: '2ZRo7axmMPeSVUvDbGkJah' },
  { name: 'Say "Yes"', artist: 'Elliott Smith', id: '7kqvOpUL3EYbtOfivz0eQs' },
  ...Array.from({ length: 16 }, (_, i) => ({ name: `Song ${i}`, artist: `Artist ${i}`, id: `id${i}` })),
];

const HIT: LinkRequest = { songId: 's-holocene', name: 'Holocene', artist: 'Bon Iver' };
const MISS: LinkRequest = { songId: 's-unknown', name: 'Not On Spotify', artist: 'Nobody' };
const trackUrl = (id: string) => `https://open.spotify.com/track/${id}`;
const songs = (from: number, to: number): LinkRequest[] =>
  Array.from({ length: to - from }, (_, k) => ({
    songId: `s${from + k}`,
    name: `Song ${from + k}`,
    artist: `Artist ${from + k}`,
  }));

/** LinkCache with expiry, recording every call. */
class MemoryLinkCache implements LinkCache {
  readonly entries = new Map<SongId, { link: ResolvedLink | null; expiresAt: number; ttlSeconds: number }>();
  gets = 0;
  puts = 0;

  async get(songIds: readonly SongId[]): Promise<Map<SongId, ResolvedLink | null>> {
    this.gets += 1;
    const found = new Map<SongId, ResolvedLink | null>();
    for (const id of songIds) {
      const entry = this.entries.get(id);
      if (entry !== undefined && entry.expiresAt > Date.now()) found.set(id, entry.link);
    }
    return found;
  }

  async put(
    entries: readonly { songId: SongId; link: ResolvedLink | null }[],
    ttlSeconds: number,
  ): Promise<void> {
    this.puts += 1;
    for (const { songId, link } of entries) {
      this.entries.set(songId, { link, expiresAt: Date.now() + ttlSeconds * 1000, ttlSeconds });
    }
  }
}

interface Harness {
  fake: FakeSpotify;
  cache: MemoryLinkCache;
  resolver: SpotifyLinkResolver;
  logs: { obj: object; msg: string }[];
  config: Config['spotify'];
}

const fakes: FakeSpotify[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function setup(
  fakeOptions: Partial<FakeSpotifyOptions> = {},
  overrides: Partial<Config['spotify']> = {},
): Promise<Harness> {
  const fake = await startFakeSpotify({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    catalog: CATALOG,
    ...fakeOptions,
  });
  fakes.push(fake);
  const config: Config['spotify'] = {
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    apiUrl: fake.apiUrl,
    accountsUrl: fake.accountsUrl,
    market: undefined,
    concurrency: 4,
    timeoutMs: 1_000,
    hitTtlSeconds: 3_600,
    missTtlSeconds: 600,
    ...overrides,
  };
  const cache = new MemoryLinkCache();
  const logs: { obj: object; msg: string }[] = [];
  const log = { warn: (obj: object, msg: string) => void logs.push({ obj, msg }) };
  return { fake, cache, logs, config, resolver: new SpotifyLinkResolver({ config, cache, log }) };
}

describe('spotifySearchUrl', () => {
  it('encodes name and artist, skips a missing artist, strips control characters and caps the length', () => {
    expect(spotifySearchUrl('Re: Stacks', 'Bon Iver')).toBe(
      'https://open.spotify.com/search/Re%3A%20Stacks%20Bon%20Iver',
    );
    expect(spotifySearchUrl('Holocene', null)).toBe('https://open.spotify.com/search/Holocene');
    expect(spotifySearchUrl('A\u0000B\nC\u007f', 'D/E?')).toBe(
      'https://open.spotify.com/search/A%20B%20C%20D%2FE%3F',
    );
    const long = spotifySearchUrl('x'.repeat(500), 'y');
    expect(decodeURIComponent(long.slice('https://open.spotify.com/search/'.length))).toHaveLength(200);
    expect(() => spotifySearchUrl('🎵'.repeat(300), null)).not.toThrow();
  });
});

describe('spotifySearchQuery', () => {
  it('filters by track and artist, drops quotes and omits an unknown artist', () => {
    expect(spotifySearchQuery('Holocene', 'Bon Iver')).toBe('track:"Holocene" artist:"Bon Iver"');
    expect(spotifySearchQuery('Say "Yes"', null)).toBe('track:"Say Yes"');
  });
});

describe('SpotifyLinkResolver', () => {
  it('gives track URLs for hits and search URLs for misses, in order', async () => {
    const { resolver, fake } = await setup({}, { market: 'SE' });
    expect(resolver.name).toBe('spotify');
    const links = await resolver.resolve([
      MISS,
      HIT,
      { songId: 's-stacks', name: 're: stacks', artist: 'BON IVER' },
    ]);
    expect(links).toEqual([
      { url: spotifySearchUrl(MISS.name, MISS.artist), kind: 'search' },
      { url: trackUrl('4fbvXwMTXPWaFyaMWUm9CR'), kind: 'track' },
      { url: trackUrl('2ZRo7axmMPeSVUvDbGkJah'), kind: 'track' },
    ]);
    expect(fake.stats.queries).toContain('track:"Holocene" artist:"Bon Iver"');
    expect(fake.stats.markets).toEqual(['SE', 'SE', 'SE']);
  });

  it('searches by name alone when the artist is unknown, and asks once per distinct song', async () => {
    const { resolver, fake } = await setup();
    const noArtist: LinkRequest = { songId: 's-ms', name: 'Motion Sickness', artist: null };
    const links = await resolver.resolve([noArtist, HIT, noArtist]);
    expect(links.map((l) => l.url)).toEqual([
      trackUrl('5xo8RrjJ9CVNrtRg2S3B1R'),
      trackUrl('4fbvXwMTXPWaFyaMWUm9CR'),
      trackUrl('5xo8RrjJ9CVNrtRg2S3B1R'),
    ]);
    expect(fake.stats.searchCalls).toBe(2);
    expect(fake.stats.queries).toContain('track:"Motion Sickness"');
  });

  it('answers a second resolve from the cache: hits and misses alike', async () => {
    const { resolver, fake, cache, config } = await setup();
    const first = await resolver.resolve([HIT, MISS]);
    expect(cache.entries.get(HIT.songId)).toMatchObject({ link: first[0], ttlSeconds: config.hitTtlSeconds });
    expect(cache.entries.get(MISS.songId)).toMatchObject({ link: null, ttlSeconds: config.missTtlSeconds });
    const calls = { token: fake.stats.tokenCalls, search: fake.stats.searchCalls };
    const second = await resolver.resolve([HIT, MISS]);
    expect(second).toEqual(first);
    expect({ token: fake.stats.tokenCalls, search: fake.stats.searchCalls }).toEqual(calls);
  });

  it('fetches the token once for many songs and again after it expires', async () => {
    const { resolver, fake } = await setup({ expiresIn: 1 });
    const links = await resolver.resolve(songs(0, 8));
    expect(links.every((l) => l.kind === 'track')).toBe(true);
    expect(fake.stats.tokenCalls).toBe(1);
    // expires_in 1 s: the provider refreshes half-way, before the fake starts rejecting it.
    await new Promise((r) => setTimeout(r, 600));
    const later = await resolver.resolve(songs(8, 12));
    expect(later.every((l) => l.kind === 'track')).toBe(true);
    expect(fake.stats.tokenCalls).toBe(2);
  });

  it('refreshes the token after a 401 and retries once', async () => {
    const { resolver, fake } = await setup();
    await resolver.resolve([HIT]);
    fake.revokeTokens();
    expect(await resolver.resolve(songs(0, 1))).toEqual([{ url: trackUrl('id0'), kind: 'track' }]);
    expect(fake.stats.tokenCalls).toBe(2);
    fake.failNext({ type: 'unauthorized' });
    expect(await resolver.resolve(songs(1, 2))).toEqual([{ url: trackUrl('id1'), kind: 'track' }]);
    expect(fake.stats.tokenCalls).toBe(3);
    fake.failNext({ type: 'unauthorized' }, 2);
    expect((await resolver.resolve(songs(2, 3)))[0]?.kind).toBe('search');
  });

  it('waits out a 429 with Retry-After 1 and succeeds', async () => {
    const { resolver, fake } = await setup();
    fake.failNext({ type: 'rate-limit', retryAfterSeconds: 1 });
    const started = Date.now();
    expect(await resolver.resolve([HIT])).toEqual([
      { url: trackUrl('4fbvXwMTXPWaFyaMWUm9CR'), kind: 'track' },
    ]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(fake.stats.searchCalls).toBe(2);
  });

  it('stops calling Spotify after a 429 with Retry-After 120, and caches nothing', async () => {
    const { resolver, fake, cache, config, logs } = await setup({}, { concurrency: 1 });
    fake.failNext({ type: 'rate-limit', retryAfterSeconds: 120 });
    const requests = songs(0, 5);
    const links = await resolver.resolve(requests);
    expect(links).toEqual(requests.map((r) => ({ url: spotifySearchUrl(r.name, r.artist), kind: 'search' })));
    expect(fake.stats.searchCalls).toBe(1);
    expect(cache.entries.size).toBe(0);
    expect(logs.length).toBeGreaterThan(0);

    const calls = { token: fake.stats.tokenCalls, search: fake.stats.searchCalls };
    const again = await resolver.resolve(songs(5, 8));
    expect(again.every((l) => l.kind === 'search')).toBe(true);
    // The pause is process-wide: a fresh resolver for the same app skips Spotify too.
    const other = new SpotifyLinkResolver({ config, cache });
    expect((await other.resolve([HIT]))[0]?.kind).toBe('search');
    expect({ token: fake.stats.tokenCalls, search: fake.stats.searchCalls }).toEqual(calls);
  });

  it('retries a 500 twice and then succeeds', async () => {
    const { resolver, fake } = await setup();
    fake.failNext({ type: 'server-error', status: 500 }, 2);
    expect(await resolver.resolve([HIT])).toEqual([
      { url: trackUrl('4fbvXwMTXPWaFyaMWUm9CR'), kind: 'track' },
    ]);
    expect(fake.stats.searchCalls).toBe(3);
  });

  it('falls back on a persistent 500 without caching, and asks again later', async () => {
    const { resolver, fake, cache } = await setup();
    fake.failNext({ type: 'server-error', status: 503 }, Number.POSITIVE_INFINITY);
    expect(await resolver.resolve([HIT])).toEqual([
      { url: spotifySearchUrl(HIT.name, HIT.artist), kind: 'search' },
    ]);
    expect(fake.stats.searchCalls).toBe(3);
    expect(cache.entries.size).toBe(0);
    fake.clearFailures();
    expect((await resolver.resolve([HIT]))[0]?.kind).toBe('track');
    expect(fake.stats.searchCalls).toBe(4);
  });

  it('falls back after timeouts without caching, and asks again later', async () => {
    const { resolver, fake, cache } = await setup({}, { timeoutMs: 200 });
    fake.failNext({ type: 'hang' }, 3);
    const started = Date.now();
    expect(await resolver.resolve([HIT])).toEqual([
      { url: spotifySearchUrl(HIT.name, HIT.artist), kind: 'search' },
    ]);
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(fake.stats.searchCalls).toBe(3);
    expect(cache.entries.size).toBe(0);
    expect((await resolver.resolve([HIT]))[0]?.kind).toBe('track');
    expect(fake.stats.searchCalls).toBe(4);
  });

  it('treats malformed JSON as a failure: a search URL, not cached', async () => {
    const { resolver, fake, cache, logs } = await setup();
    fake.failNext({ type: 'malformed' });
    expect(await resolver.resolve([HIT])).toEqual([
      { url: spotifySearchUrl(HIT.name, HIT.artist), kind: 'search' },
    ]);
    expect(cache.entries.size).toBe(0);
    expect(logs.some((l) => l.msg.includes('search link'))).toBe(true);
    expect((await resolver.resolve([HIT]))[0]?.kind).toBe('track');
    expect(fake.stats.searchCalls).toBe(2);
  });

  it('never has more searches in flight than the configured concurrency', async () => {
    const { resolver, fake } = await setup({ searchDelayMs: 40 }, { concurrency: 3 });
    const links = await resolver.resolve(songs(0, 12));
    expect(links.every((l) => l.kind === 'track')).toBe(true);
    expect(fake.stats.maxInFlight).toBeLessThanOrEqual(3);
    expect(fake.stats.maxInFlight).toBeGreaterThan(1);
  });

  it('without credentials makes search URLs without any network or cache access', async () => {
    const cache = new MemoryLinkCache();
    let fetchCalls = 0;
    const fetchSpy: typeof fetch = async () => {
      fetchCalls += 1;
      throw new Error('no network expected');
    };
    const resolver = new SpotifyLinkResolver({
      config: {
        clientId: undefined,
        clientSecret: undefined,
        apiUrl: 'https://api.spotify.com/v1',
        accountsUrl: 'https://accounts.spotify.com',
        market: undefined,
        concurrency: 4,
        timeoutMs: 1_000,
        hitTtlSeconds: 3_600,
        missTtlSeconds: 600,
      },
      cache,
      fetch: fetchSpy,
    });
    expect(resolver.name).toBe('spotify-search');
    expect(await resolver.resolve([HIT, MISS])).toEqual([
      { url: spotifySearchUrl(HIT.name, HIT.artist), kind: 'search' },
      { url: spotifySearchUrl(MISS.name, MISS.artist), kind: 'search' },
    ]);
    expect({ fetchCalls, gets: cache.gets, puts: cache.puts }).toEqual({ fetchCalls: 0, gets: 0, puts: 0 });
  });

  it('ignores a failing cache, logging the problem', async () => {
    const { config, fake } = await setup();
    const logs: string[] = [];
    const broken: LinkCache = {
      get: async () => {
        throw new Error('cache down');
      },
      put: async () => {
        throw new Error('cache down');
      },
    };
    const resolver = new SpotifyLinkResolver({
      config,
      cache: broken,
      log: { warn: (_obj, msg) => logs.push(msg) },
    });
    expect((await resolver.resolve([HIT, MISS])).map((l) => l.kind)).toEqual(['track', 'search']);
    expect(fake.stats.searchCalls).toBe(2);
    expect(logs.filter((m) => m.includes('cache'))).toHaveLength(3);
  });

  it('never puts the client secret or an Authorization header in an error or a log call', async () => {
    const basic = Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64');
    const leaks = (text: string) => text.includes(CLIENT_SECRET) || text.includes(basic);

    // Spotify refuses the credentials: one token call, every song falls back.
    const { fake, config } = await setup();
    const logs: unknown[] = [];
    const log = { warn: (obj: object, msg: string) => void logs.push([obj, msg]) };
    const wrong = { ...config, clientSecret: `${CLIENT_SECRET}-wrong` };
    const refused = new SpotifyLinkResolver({ config: wrong, cache: new MemoryLinkCache(), log });
    expect((await refused.resolve([HIT, MISS])).map((l) => l.kind)).toEqual(['search', 'search']);
    expect(fake.stats.tokenCalls).toBe(1);

    const tokens = new SpotifyTokenProvider({
      clientId: CLIENT_ID,
      clientSecret: wrong.clientSecret,
      accountsUrl: fake.accountsUrl,
      timeoutMs: 1_000,
    });
    const error = await tokens.getToken().catch((e: unknown) => e);
    expect(isMoodError(error)).toBe(true);
    expect((error as Error).message).toContain('invalid_client');

    // Search failures with valid credentials log too; none of it may carry the secret or the token.
    const resolver = new SpotifyLinkResolver({
      config: { ...config, timeoutMs: 200 },
      cache: new MemoryLinkCache(),
      log,
    });
    fake.failNext({ type: 'server-error' }, 3);
    await resolver.resolve([HIT]);
    fake.failNext({ type: 'hang' }, 3);
    await resolver.resolve([HIT]);
    fake.failNext({ type: 'unauthorized' }, 2);
    await resolver.resolve([MISS]);
    const unreachable = new SpotifyLinkResolver({
      config: { ...config, accountsUrl: 'http://127.0.0.1:1', apiUrl: 'http://127.0.0.1:1/v1' },
      cache: new MemoryLinkCache(),
      log,
    });
    expect((await unreachable.resolve([HIT]))[0]?.kind).toBe('search');

    expect(logs.length).toBeGreaterThanOrEqual(5);
    const dumped = [error, ...logs].map((entry) =>
      JSON.stringify(entry, (_key, value: unknown) =>
        value instanceof Error ? { message: value.message, stack: value.stack, cause: value.cause } : value,
      ),
    );
    for (const text of [...dumped, String(error), (error as Error).stack ?? ''])
      expect(leaks(text)).toBe(false);
    for (const text of dumped) expect(text).not.toMatch(/Bearer|Basic/);
  });
});
