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
