/**
 * Refine, swap and 👍/👎 in the recommendation core, on both engines' SQL (PGlite here, PostgreSQL through
 * the bots' end-to-end tests): constraints the user typed are hard filters and vector shifts, a swap replaces
 * one song with the next best under the same constraints, and a group's net 👎 sinks songs there only.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../core/config.ts';
import { isMoodError } from '../core/errors.ts';
import { LocalWriter } from '../core/local/writer.ts';
import type { FeedbackScores } from '../core/ports.ts';
import { createRecommender } from '../core/recommend.ts';
import { parseRefinement } from '../core/refinement.ts';
import { SWAP_CHOICES, swapTrack } from '../core/swap.ts';
import type { MoodRequest, Playlist } from '../core/types.ts';
import { activate } from '../db/embedding-models.ts';
import { backfillEmbeddings } from '../db/embeddings.ts';
import { ingestCatalog } from '../db/ingest/catalog.ts';
import { createSongIndex } from '../db/song-index.ts';
import { createFeedbackStore } from '../workers/feedback.ts';
import { redisKeys } from '../workers/redis-keys.ts';
import { createPGliteDatabase, type TestDatabase } from './support/databases.ts';
import { localEmbedder } from './support/models.ts';
import { dropPrefix, REDIS_URL, testPrefix } from './support/redis.ts';

const CATALOG = [
  'name,artist,year,genre,tags,popularity',
  'Lose Yourself,Eminem,2002,hip-hop,angry;energetic;workout,93',
  'Stronger,Kanye West,2007,hip-hop,energetic;workout;anthem,88',
  'Hypnotize,The Notorious B.I.G.,1997,Hip Hop/Rap,party;energetic,85',
  'Juicy,The Notorious B.I.G.,1994,rap,happy;nostalgic,84',
  'Gangsta’s Paradise,Coolio,1995,rap,dark;melancholic,88',
  'Eye of the Tiger,Survivor,1982,rock,angry;energetic;workout;triumphant,90',
  'Smells Like Teen Spirit,Nirvana,1991,grunge,angry;energetic,92',
  'Wonderwall,Oasis,1995,rock,nostalgic;mellow,90',
  'Hold On,Wilson Phillips,1990,pop,hopeful;happy,70',
  'Vogue,Madonna,1990,pop,dance;party;energetic,82',
  'No Scrubs,TLC,1999,r&b,confident;dance,80',
  'Waterfalls,TLC,1995,r&b,melancholic;mellow,81',
  'Hotline Bling,Drake,2015,hip-hop,mellow;night;lonely,90',
  'Jumpman,Drake & Future,2015,hip-hop,energetic;party,80',
  'Weightless,Marconi Union,2011,ambient,relaxed;mellow;peaceful;calm,60',
  'Clair de Lune,Claude Debussy,1905,classical,relaxed;mellow;peaceful;calm,75',
  'Teardrop,Massive Attack,1998,trip-hop,calm;dark;night,78',
  'Porcelain,Moby,1999,electronic,calm;melancholic;dreamy,74',
  'Losing My Religion,R.E.M.,1991,alternative,melancholic;mellow;night,88',
  'Everybody Hurts,R.E.M.,1992,alternative,melancholic;mellow;lonely,80',
].join('\n');

let t: TestDatabase;
let local: Awaited<ReturnType<typeof localEmbedder>>;
const songs = new Map<string, { name: string; artist: string; year: number; genre: string }>();

beforeAll(async () => {
  [t, local] = await Promise.all([createPGliteDatabase(), localEmbedder()]);
  const dir = await mkdtemp(path.join(tmpdir(), 'sonic-mood-refine-'));
  await writeFile(path.join(dir, 'catalog.csv'), CATALOG);
  await ingestCatalog(t.db, path.join(dir, 'catalog.csv'));
  const { modelId } = await backfillEmbeddings(t.db, local);
  await activate(t.db, modelId);
  const rows = await t.db.query<{ id: string; name: string; artist: string; year: number; genre: string }>(
    'SELECT id::text AS id, name, artist, year::int AS year, genre FROM songs',
  );
  for (const r of rows.rows) songs.set(r.id, r);
});
afterAll(async () => {
  await t?.drop();
});

function recommender(feedback?: FeedbackScores) {
  const options = loadConfig({ CANDIDATE_POOL: '50', LEXICAL_WEIGHT: '0' }).recommend;
  return createRecommender({
    embedder: local,
    writer: new LocalWriter(local),
    index: createSongIndex(t.db),
    links: {
      name: 'none',
      resolve: async (r) => r.map(() => ({ url: 'https://open.spotify.com/search/x', kind: 'search' })),
    },
    feedback,
    options,
  });
}

const refine = (text: string, followUp: string, size = 8): MoodRequest => ({
  text,
  size,
  refinement: parseRefinement(followUp),
});
const details = (p: Playlist) => p.tracks.map((tr) => songs.get(tr.songId));

describe('a refined playlist', () => {
  it('"no rap" leaves out every hip-hop and rap song, however the catalog spells the genre', async () => {
    const before = await recommender().recommend({ text: 'energetic party workout', size: 8 });
    expect(details(before).some((s) => /rap|hip/i.test(s?.genre ?? ''))).toBe(true);
    const after = await recommender().recommend(refine('energetic party workout', 'no rap'));
    expect(after.tracks.length).toBeGreaterThan(0);
    for (const s of details(after)) expect(s?.genre).not.toMatch(/rap|hip.?hop/i);
    expect(after.description).toBe(`${after.tracks.length} songs for “energetic party workout” · no rap`);
  });

  it('"more 90s, without Drake" keeps to 1990–1999 and drops every credit naming Drake', async () => {
    const after = await recommender().recommend(refine('mellow night', 'more 90s, without Drake'));
    expect(after.tracks.length).toBeGreaterThan(0);
    for (const s of details(after)) {
      expect(s?.year).toBeGreaterThanOrEqual(1990);
      expect(s?.year).toBeLessThanOrEqual(1999);
      expect(s?.artist).not.toMatch(/drake/i);
    }
    expect(after.description).toMatch(/1990–1999/);
    expect(after.description).toMatch(/no Drake/);
  });

  it('"without R.E.M." drops a credit that ends with a dot (whole words, not word characters)', async () => {
    const before = await recommender().recommend({ text: 'melancholic mellow', size: 8 });
    expect(details(before).some((s) => s?.artist === 'R.E.M.')).toBe(true);
    const after = await recommender().recommend(refine('melancholic mellow', 'without R.E.M.'));
    expect(after.tracks.length).toBeGreaterThan(0);
    for (const s of details(after)) expect(s?.artist).not.toBe('R.E.M.');
  });

  it('"calmer" moves the playlist toward calm songs', async () => {
    const calm = (p: Playlist) =>
      p.tracks.filter((tr) => /Weightless|Clair de Lune|Teardrop|Porcelain/.test(tr.name)).length;
    const plain = await recommender().recommend({ text: 'late night', size: 5 });
    const calmer = await recommender().recommend(refine('late night', 'calmer', 5));
    expect(calm(calmer)).toBeGreaterThan(calm(plain));
    expect(calmer.description).toMatch(/· calmer$/);
  });

  it('says what the catalog cannot tell instead of ignoring it', async () => {
    const after = await recommender().recommend(refine('happy', 'only women singers'));
    expect(after.tracks.length).toBeGreaterThan(0);
    expect(after.description).toContain("the catalog cannot tell singers' gender");
  });

  it('a constraint nothing meets is a clear NoMatches, not a playlist that ignores it', async () => {
    const failure = await recommender()
      .recommend(refine('happy', 'only opera'))
      .catch((error: unknown) => error);
    expect(isMoodError(failure) && failure.code).toBe('NoMatches');
  });
});

describe('a swap', () => {
  it('replaces one song in place with the next best that meets the same constraints', async () => {
    const request = refine('energetic party workout', 'no rap', 5);
    const shown = await recommender().recommend(request);
    const out = shown.tracks[2];
    if (!out) throw new Error('no third track');
    const next = await recommender().recommend({
      ...request,
      size: SWAP_CHOICES,
      excludeSongIds: shown.tracks.map((tr) => tr.songId),
    });
    const swapped = swapTrack(shown, out.songId, next.tracks);
    if (!swapped) throw new Error('nothing to swap');
    expect(swapped.playlist.tracks.map((tr) => tr.songId)).toEqual(
      shown.tracks.map((tr, i) => (i === 2 ? swapped.added.songId : tr.songId)),
    );
    expect(shown.tracks.map((tr) => tr.songId)).not.toContain(swapped.added.songId);
    expect(songs.get(swapped.added.songId)?.genre).not.toMatch(/rap|hip.?hop/i);
  });

  it('has nothing to swap in when no other song is left', () => {
    const shown = {
      title: 't',
      description: 'd',
      mood: 'm',
      tracks: [],
      providers: { embedder: 'e', writer: 'w', links: 'l' },
    };
    expect(swapTrack(shown, '1', [])).toBeUndefined();
  });
});

describe('👍 / 👎', () => {
  const prefix = testPrefix();
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  });
  afterAll(async () => {
    redis.disconnect();
    await dropPrefix(prefix);
  });

  it('counts one vote per member and song, and a change of mind twice', async () => {
    const store = createFeedbackStore(redis, redisKeys(prefix));
    const vote = { group: 'discord-1', userId: 'u1', songIds: ['1', '2'] };
    expect(await store.record({ ...vote, vote: 'down' })).toBe(true);
    expect(await store.record({ ...vote, vote: 'down' })).toBe(false);
    expect(await store.record({ ...vote, userId: 'u2', vote: 'down' })).toBe(true);
    expect(Object.fromEntries(await store.net('discord-1', ['1', '2', '3']))).toEqual({ '1': -2, '2': -2 });
    expect(await store.record({ ...vote, vote: 'up' })).toBe(true);
    // u1 from 👎 to 👍 cancels u2's 👎: a song with no net vote is not listed.
    expect((await store.net('discord-1', ['1'])).size).toBe(0);
    expect((await store.net('discord-2', ['1'])).size).toBe(0);
    // Another playlist sharing song 2 (a swap of song 1, say) adds nothing for u2 on song 2.
    expect(await store.record({ group: 'discord-1', userId: 'u2', songIds: ['2', '3'], vote: 'down' })).toBe(
      true,
    );
    expect(Object.fromEntries(await store.net('discord-1', ['2', '3']))).toEqual({ '3': -1 });
  });

  it('sinks songs with net 👎 in that group only', async () => {
    const store = createFeedbackStore(redis, redisKeys(prefix));
    const request = { text: 'energetic party workout', size: 5 };
    const first = await recommender(store).recommend({ ...request, groupId: 'slack-T1' });
    const top = first.tracks[0];
    if (!top) throw new Error('no track');
    for (const userId of ['a', 'b', 'c'])
      await store.record({
        group: 'slack-T1',
        userId,
        songIds: [top.songId],
        vote: 'down',
      });
    const there = await recommender(store).recommend({ ...request, groupId: 'slack-T1' });
    const elsewhere = await recommender(store).recommend({ ...request, groupId: 'slack-T2' });
    const rank = (p: Playlist) => p.tracks.findIndex((tr) => tr.songId === top.songId);
    expect(rank(elsewhere)).toBe(0);
    expect(rank(there) === -1 || rank(there) > 0).toBe(true);
    expect(there.timings.feedback).toBeGreaterThanOrEqual(0);
  });
});
