/**
 * The pipeline end to end on real PGlite + pgvector: local and OpenAI-compatible providers (the real
 * `openai` client against a fake server), the Spotify resolver against a fake Spotify, links cached in
 * the database.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../core/config.ts';
import { isMoodError, userMessage } from '../core/errors.ts';
import { LocalExplainer } from '../core/local/explainer.ts';
import { LocalWriter } from '../core/local/writer.ts';
import { createOpenAIClient } from '../core/openai/client.ts';
import { OpenAIEmbedder } from '../core/openai/embedder.ts';
import type { Embedder, Writer } from '../core/ports.ts';
import { createRecommender, type RecommenderDeps } from '../core/recommend.ts';
import { SpotifyLinkResolver } from '../core/spotify/resolver.ts';
import { activate } from '../db/embedding-models.ts';
import { backfillEmbeddings } from '../db/embeddings.ts';
import { ingestCatalog } from '../db/ingest/catalog.ts';
import { createLinkCache } from '../db/link-cache.ts';
import { createSongIndex } from '../db/song-index.ts';
import { type FakeOpenAI, startFakeOpenAI } from './fakes/openai-server.ts';
import { type FakeSpotify, startFakeSpotify } from './fakes/spotify-server.ts';
import { createPGliteDatabase, type TestDatabase } from './support/databases.ts';
import { localEmbedder } from './support/models.ts';

const CATALOG = [
  'name,artist,year,genre,tags,popularity',
  'Someone Like You,Adele,2011,pop,sad;mellow;heartbreak;lonely,95',
  'Hurt,Johnny Cash,2002,country,sad;mellow;melancholic,85',
  'Tears in Heaven,Eric Clapton,1992,rock,sad;mellow;heartbreak,80',
  'Everybody Hurts,R.E.M.,1992,alternative,sad;mellow;lonely;hopeful,78',
  'Nothing Compares 2 U,Sinéad O’Connor,1990,pop,sad;mellow;heartbreak,80',
  'Eye of the Tiger,Survivor,1982,rock,angry;energetic;workout;triumphant,90',
  'Stronger,Kanye West,2007,hip-hop,angry;energetic;workout;anthem,88',
  'Lose Yourself,Eminem,2002,hip-hop,angry;energetic;workout;triumphant,93',
  'Happy,Pharrell Williams,2013,pop,happy;energetic;fun;dance,92',
  'Dancing Queen,ABBA,1976,disco,happy;energetic;dance;party,90',
  'Weightless,Marconi Union,2011,ambient,relaxed;mellow;peaceful;focus,60',
  'Clair de Lune,Claude Debussy,1905,classical,relaxed;mellow;peaceful;dreamy,75',
].join('\n');

const SPOTIFY = { clientId: 'client-id', clientSecret: 'super-secret-value' };

let t: TestDatabase;
let openai: FakeOpenAI;
let spotify: FakeSpotify;
let local: Awaited<ReturnType<typeof localEmbedder>>;

beforeAll(async () => {
  [t, openai, spotify, local] = await Promise.all([
    createPGliteDatabase(),
    startFakeOpenAI(),
    startFakeSpotify({
      ...SPOTIFY,
      catalog: [
        { name: 'Someone Like You', artist: 'Adele', id: 'adele1' },
        { name: 'Hurt', artist: 'Johnny Cash', id: 'cash1' },
        { name: 'Eye of the Tiger', artist: 'Survivor', id: 'tiger1' },
      ],
    }),
    localEmbedder(),
  ]);
  const dir = await mkdtemp(path.join(tmpdir(), 'sonic-mood-recommend-'));
  await writeFile(path.join(dir, 'catalog.csv'), CATALOG);
  await ingestCatalog(t.db, path.join(dir, 'catalog.csv'));
  const { modelId } = await backfillEmbeddings(t.db, local);
  await activate(t.db, modelId);
});
afterAll(async () => {
  await Promise.all([t?.drop(), openai?.close(), spotify?.close()]);
});

function config() {
  return loadConfig({
    SPOTIFY_CLIENT_ID: SPOTIFY.clientId,
    SPOTIFY_CLIENT_SECRET: SPOTIFY.clientSecret,
    SPOTIFY_API_URL: spotify.apiUrl,
    SPOTIFY_ACCOUNTS_URL: spotify.accountsUrl,
    OPENAI_BASE_URL: openai.url,
    OPENAI_API_KEY: 'sk-test-key',
    MODEL_MAX_RETRIES: '0',
    MODEL_TIMEOUT_MS: '2000',
    CANDIDATE_POOL: '50',
  });
}

function recommender(overrides: Partial<RecommenderDeps> = {}) {
  const c = config();
  return createRecommender({
    embedder: local,
    writer: new LocalWriter(local),
    index: createSongIndex(t.db),
    links: new SpotifyLinkResolver({ config: c.spotify, cache: createLinkCache(t.db) }),
    explainer: new LocalExplainer(local),
    options: c.recommend,
    ...overrides,
  });
}

const tagsOf = async (ids: readonly string[]) =>
  (
    await t.db.query<{ tags: string[] }>('SELECT tags FROM songs WHERE id = ANY($1::bigint[])', [ids])
  ).rows.map((r) => r.tags);

describe('recommend', () => {
  it('returns a titled playlist of the requested size with a link, a reason and timings for every track', async () => {
    const playlist = await recommender().recommend({ text: 'heartbroken and crying', size: 4 });
    expect(playlist.title).toBe('Heartbreak Teary Hours');
    expect(playlist.mood).toBe('heartbroken and crying');
    expect(playlist.tracks).toHaveLength(4);
    for (const track of playlist.tracks) {
      expect(track.spotifyUrl).toMatch(/^https:\/\/open\.spotify\.com\/(track|search)\//);
      expect(track.why.length).toBeGreaterThan(0);
    }
    const sad = (await tagsOf(playlist.tracks.map((tr) => tr.songId))).filter((tags) => tags.includes('sad'));
    expect(sad.length).toBeGreaterThanOrEqual(3);
    expect(playlist.providers).toEqual({
      embedder: 'local:glove-mood-132@3',
      writer: 'local',
      links: 'spotify',
    });
    for (const stage of [
      'embedMood',
      'hyde',
      'embedHyde',
      'search',
      'rerank',
      'links',
      'title',
      'total',
    ] as const) {
      expect(playlist.timings[stage]).toBeGreaterThanOrEqual(0);
    }
  });

  it('resolves Spotify tracks once: a second request for the same songs makes no Spotify call', async () => {
    const r = recommender();
    const first = await r.recommend({ text: 'pump-up workout anthems', size: 5 });
    const calls = spotify.stats.searchCalls;
    expect(first.tracks.some((tr) => tr.spotifyUrl === 'https://open.spotify.com/track/tiger1')).toBe(true);
    const second = await r.recommend({ text: 'pump-up workout anthems', size: 5 });
    expect(second.tracks.map((tr) => tr.spotifyUrl)).toEqual(first.tracks.map((tr) => tr.spotifyUrl));
    expect(spotify.stats.searchCalls).toBe(calls);
  });

  it('is deterministic for the same input; another take with a seed and exclusions shows new songs', async () => {
    const r = recommender();
    const a = await r.recommend({ text: 'calm and peaceful', size: 3 });
    const b = await r.recommend({ text: 'calm and peaceful', size: 3 });
    expect(b.tracks.map((x) => x.songId)).toEqual(a.tracks.map((x) => x.songId));
    const shown = a.tracks.map((x) => x.songId);
    const take = await r.recommend({ text: 'calm and peaceful', size: 3, seed: 42, excludeSongIds: shown });
    expect(take.tracks.map((x) => x.songId).filter((id) => shown.includes(id))).toEqual([]);
  });

  it('says no song passes the filters when a year range matches nothing, not that the catalog is missing', async () => {
    const error = await recommender()
      .recommend({ text: 'sad', size: 5, filters: { yearFrom: 2090, yearTo: 2095 } })
      .catch((e: unknown) => e);
    expect(isMoodError(error, 'NoMatches')).toBe(true);
    expect(userMessage(error)).toMatch(/No songs in the catalog match those filters/);
  });

  it('filters by release year', async () => {
    const playlist = await recommender().recommend({ text: 'sad', size: 5, filters: { yearFrom: 2000 } });
    expect(playlist.tracks.length).toBeGreaterThan(0);
    expect(playlist.tracks.every((tr) => (tr.year ?? 0) >= 2000)).toBe(true);
  });

  it('searches by the mood alone when HyDE fails, and says so', async () => {
    const failing: Writer = {
      name: 'broken',
      hypotheticalLyrics: async () => {
        throw new Error('model down');
      },
      title: async () => 'Still Works',
    };
    const degraded: string[] = [];
    const playlist = await recommender({
      writer: failing,
      onDegraded: (stage) => degraded.push(stage),
    }).recommend({
      text: 'dance party',
      size: 3,
    });
    expect(degraded).toEqual(['hyde']);
    expect(playlist.tracks).toHaveLength(3);
    expect(playlist.timings.embedHyde).toBeUndefined();
  });

  it('names the playlist from the mood alone, before HyDE or the search have finished', async () => {
    const calls: string[] = [];
    let hydeDone = false;
    const writer: Writer = {
      name: 'slow-hyde',
      hypotheticalLyrics: async () => {
        calls.push('hyde:start');
        await new Promise((r) => setTimeout(r, 100));
        hydeDone = true;
        return 'tears falling down alone';
      },
      title: async (mood, songs) => {
        calls.push(`title:${mood}:${songs.length} songs:hyde ${hydeDone ? 'done' : 'running'}`);
        return 'Mood First';
      },
    };
    const playlist = await recommender({ writer }).recommend({ text: 'sad and lonely', size: 3 });
    expect(playlist.title).toBe('Mood First');
    expect(calls).toContain('title:sad and lonely:0 songs:hyde running');
  });

  it('refuses to search with a model other than the live one', async () => {
    const other: Embedder = { model: 'other:model', dimensions: 100, embed: local.embed.bind(local) };
    await expect(recommender({ embedder: other }).recommend({ text: 'sad', size: 3 })).rejects.toSatisfy(
      (e) => isMoodError(e, 'IndexMismatch'),
    );
  });

  it('with an OpenAI-compatible embedder, an embedding outage is a retryable EmbeddingUnavailable error', async () => {
    const c = config();
    const embedder = new OpenAIEmbedder({
      client: createOpenAIClient(c.models),
      model: 'fake-embed',
      dimensions: 64,
      queryInstruction: c.models.queryInstruction,
    });
    const { modelId } = await backfillEmbeddings(t.db, embedder);
    await activate(t.db, modelId);
    try {
      const r = recommender({ embedder });
      expect((await r.recommend({ text: 'sad songs', size: 3 })).tracks).toHaveLength(3);
      openai.failNext({ status: 500 }, { status: 500 }, { status: 500 });
      const error = await r.recommend({ text: 'sad songs', size: 3 }).catch((e: unknown) => e);
      expect(isMoodError(error, 'EmbeddingUnavailable')).toBe(true);
      expect(isMoodError(error) && error.retryable).toBe(true);
      expect(String(error)).not.toContain('sk-test-key');
    } finally {
      const [row] = (
        await t.db.query<{ id: number }>(`SELECT id FROM embedding_models WHERE name = $1`, [local.model])
      ).rows;
      await activate(t.db, row?.id ?? 0);
    }
  });
});
