/**
 * Moods with a clear meaning land on the right songs of the shipped demo catalog, judged by the
 * catalog's own tags (the embedded default, end to end through PGlite + pgvector).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CATALOG } from '../cli/catalog-setup.ts';
import { loadConfig } from '../core/config.ts';
import { LocalExplainer } from '../core/local/explainer.ts';
import { LocalWriter } from '../core/local/writer.ts';
import { createRecommender, type Recommender } from '../core/recommend.ts';
import { SpotifyLinkResolver } from '../core/spotify/resolver.ts';
import { activate } from '../db/embedding-models.ts';
import { backfillEmbeddings } from '../db/embeddings.ts';
import { ingestCatalog } from '../db/ingest/catalog.ts';
import { createLinkCache } from '../db/link-cache.ts';
import { createSongIndex } from '../db/song-index.ts';
import { createPGliteDatabase, type TestDatabase } from './support/databases.ts';
import { localEmbedder } from './support/models.ts';

let t: TestDatabase;
let recommender: Recommender;
let catalogSize = 0;

beforeAll(async () => {
  const [db, embedder] = await Promise.all([createPGliteDatabase(), localEmbedder()]);
  t = db;
  catalogSize = (await ingestCatalog(t.db, DEMO_CATALOG)).songsUpserted;
  const { modelId } = await backfillEmbeddings(t.db, embedder);
  await activate(t.db, modelId);
  const config = loadConfig({});
  recommender = createRecommender({
    embedder,
    writer: new LocalWriter(embedder),
    index: createSongIndex(t.db),
    links: new SpotifyLinkResolver({ config: config.spotify, cache: createLinkCache(t.db) }),
    explainer: new LocalExplainer(embedder),
    options: config.recommend,
  });
}, 180_000);
afterAll(async () => t?.drop());

async function share(mood: string, tag: string): Promise<number> {
  const playlist = await recommender.recommend({ text: mood, size: 10 });
  const ids = playlist.tracks.map((tr) => tr.songId);
  const { rows } = await t.db.query<{ tags: string[] }>(
    'SELECT tags FROM songs WHERE id = ANY($1::bigint[])',
    [ids],
  );
  return rows.filter((r) => r.tags.includes(tag)).length / ids.length;
}

describe('the demo catalog', () => {
  it('holds at least 1,000 songs', () => {
    expect(catalogSize).toBeGreaterThanOrEqual(1000);
  });

  it.each([
    ['heartbroken and crying', 'sad'],
    ['pump-up workout', 'energetic'],
    ['furious, rebellious and loud', 'angry'],
    ['calm and peaceful, to unwind', 'relaxed'],
    ['happy dance party', 'happy'],
    ['slow and mellow', 'mellow'],
  ])('“%s” returns mostly songs tagged %s', async (mood, tag) => {
    expect(await share(mood, tag)).toBeGreaterThanOrEqual(0.7);
  });
});

async function tagsOf(mood: string, size = 10) {
  const playlist = await recommender.recommend({ text: mood, size });
  const { rows } = await t.db.query<{ id: string; tags: string[] }>(
    'SELECT id::text AS id, tags FROM songs WHERE id = ANY($1::bigint[])',
    [playlist.tracks.map((tr) => tr.songId)],
  );
  const byId = new Map(rows.map((r) => [r.id, r.tags]));
  return { playlist, tags: playlist.tracks.map((tr) => byId.get(tr.songId) ?? []) };
}

describe('scenes and times of day on the demo catalog (issue 17)', () => {
  it('the README’s “late night drive through neon rain” plays night, driving and rain songs', async () => {
    const { tags } = await tagsOf('late night drive through neon rain');
    const fitting = tags.filter((t) => t.some((tag) => ['night', 'driving', 'rain'].includes(tag)));
    expect(fitting.length).toBeGreaterThanOrEqual(9);
    // The songs that are both night and driving songs lead it.
    expect(
      tags.slice(0, 5).filter((t) => t.includes('night') && t.includes('driving')).length,
    ).toBeGreaterThanOrEqual(3);
  });

  it.each([
    ['3am and I cannot sleep', 'night'],
    ['road trip with friends', 'driving'],
    ['rainy day', 'rain'],
    ['study session', 'focus'],
  ])('“%s” plays mostly songs tagged %s', async (mood, tag) => {
    const { tags } = await tagsOf(mood);
    expect(tags.filter((t) => t.includes(tag)).length).toBeGreaterThanOrEqual(5);
  });

  it('“christmas morning” finds the catalog’s Christmas songs', async () => {
    const { playlist } = await tagsOf('christmas morning');
    // The demo catalog has three, none tagged as such: the titles say it.
    expect(playlist.tracks.filter((tr) => tr.name.includes('Christmas')).length).toBeGreaterThanOrEqual(2);
    expect(playlist.description).toBe('10 songs for “christmas morning”');
  });

  it('a theme the catalog has no song for is named in the description, not replaced', async () => {
    const { playlist } = await tagsOf('snowy morning');
    expect(playlist.description).toBe(
      'No snow songs in this catalog: 10 songs for the rest of “snowy morning”',
    );
    expect(
      playlist.tracks.filter((tr) => /morning|sunrise|dawn/i.test(tr.name)).length,
    ).toBeGreaterThanOrEqual(3);
    // Nothing but the missing theme (and a word no model knows): still a playlist, and still the note.
    const alone = await recommender.recommend({ text: 'snow qqqzzx', size: 5 });
    expect(alone.tracks).toHaveLength(5);
    expect(alone.description).toMatch(/^No snow songs in this catalog/);
  });
});
