/**
 * Re-indexing the live model on native PostgreSQL: the new ANN index is built beside the serving one and
 * swapped in only when valid, so /mood never searches without an index — and a cancelled build leaves the
 * old index serving, with nothing invalid left behind.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Embedder } from '../core/ports.ts';
import { activate, ensureModel, setIndexState } from '../db/embedding-models.ts';
import { reindex } from '../db/reindex.ts';
import { createSongIndex } from '../db/song-index.ts';
import { buildIndex, modelIndexes } from '../db/vector-index.ts';
import { createPostgresDatabase, type TestDatabase } from './support/databases.ts';
import { explainingDatabase, usesAnnIndex } from './support/explaining-database.ts';

const MODEL = 'test:swap@96';
const DIMS = 96;
// Above the exact-search threshold (20K rows), so the re-index builds IVFFlat.
const SONGS = 40_000;

/** Every song is embedded already: the re-index only (re)builds the index. */
const embedder: Embedder = {
  model: MODEL,
  dimensions: DIMS,
  embed: async () => {
    throw new Error('nothing should need embedding');
  },
};

let t: TestDatabase;
let modelId: number;
let watcher: pg.Client;

beforeAll(async () => {
  t = await createPostgresDatabase();
  const model = await ensureModel(t.db, MODEL, DIMS);
  modelId = model.id;
  await t.db.query(
    `INSERT INTO songs (id, name, artist, popularity_score, match_key)
     SELECT g, 'Song ' || g, 'Artist ' || (g % 997), g % 100, 'song ' || g || '|artist ' || (g % 997)
     FROM generate_series(1, $1::int) g`,
    [SONGS],
  );
  // Random directions; the correlated subquery (g > 0) draws a new vector per row.
  await t.db.query(
    `INSERT INTO song_embeddings (model_id, song_id, embedding)
     SELECT $1, g, (SELECT array_agg((random() - 0.5)::real) FROM generate_series(1, $2::int) WHERE g > 0)::vector::halfvec
     FROM generate_series(1, $3::int) g`,
    [modelId, DIMS, SONGS],
  );
  await activate(t.db, modelId);
  const first = await reindex(t.db, embedder);
  expect(first).toMatchObject({ status: 'switched', plan: { kind: 'ivfflat' } });
  watcher = new pg.Client({ connectionString: t.url });
  await watcher.connect();
}, 120_000);

afterAll(async () => {
  await watcher?.end();
  await t?.drop();
});

interface Observed {
  readonly planned: string[];
  readonly failures: unknown[];
  readonly duringBuild: number;
  readonly returned: number[];
}

/** Runs searches on two connections until `work` settles; counts those that started while an index was building. */
async function searchWhile(work: Promise<unknown>): Promise<Observed> {
  const planned: string[] = [];
  const failures: unknown[] = [];
  const returned: number[] = [];
  const index = createSongIndex(explainingDatabase(t.db, (plan) => planned.push(plan)));
  let settled = false;
  let building = false;
  let duringBuild = 0;
  const settledWork = work.finally(() => {
    settled = true;
  });
  settledWork.catch(() => {});
  const poll = (async () => {
    while (!settled) {
      const { rows } = await watcher.query('SELECT 1 FROM pg_stat_progress_create_index');
      building = rows.length > 0;
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  const query = Float32Array.from({ length: DIMS }, (_, i) => Math.sin(i + 1));
  const searcher = async () => {
    while (!settled) {
      if (building) duringBuild++;
      try {
        returned.push((await index.search(query, { limit: 200 })).length);
      } catch (error) {
        failures.push(error);
      }
    }
  };
  await Promise.all([searcher(), searcher(), poll]);
  return { planned, failures, duringBuild, returned };
}

describe('re-indexing the live model on PostgreSQL', () => {
  it('keeps every /mood search on an ANN index while the new index is built, then swaps it in', async () => {
    const [before] = await modelIndexes(t.db, modelId);
    const run = reindex(t.db, embedder);
    const seen = await searchWhile(run);
    expect(await run).toMatchObject({ status: 'switched', plan: { kind: 'ivfflat' } });

    expect(seen.failures).toEqual([]);
    expect(seen.duringBuild).toBeGreaterThan(0);
    expect(seen.planned.length).toBeGreaterThan(seen.duringBuild);
    expect(seen.planned.filter((plan) => !usesAnnIndex(plan, modelId))).toEqual([]);
    expect(new Set(seen.returned)).toEqual(new Set([200]));
    // One index serves afterwards: the new one.
    const after = await modelIndexes(t.db, modelId);
    expect(after).toHaveLength(1);
    expect(after[0]?.valid).toBe(true);
    expect(after[0]?.name).not.toBe(before?.name);
  }, 120_000);

  it('a cancelled build leaves the old index serving and no invalid index behind', async () => {
    const [serving] = await modelIndexes(t.db, modelId);
    const run = reindex(t.db, embedder);
    run.catch(() => {});
    // Cancel the CREATE INDEX as soon as it shows up, as an operator's pg_cancel_backend would.
    for (let i = 0; i < 500; i++) {
      const { rows } = await watcher.query<{ cancelled: boolean }>(
        'SELECT pg_cancel_backend(pid) AS cancelled FROM pg_stat_progress_create_index',
      );
      if (rows.some((r) => r.cancelled)) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    await expect(run).rejects.toThrow(/cancel/i);

    expect(await modelIndexes(t.db, modelId)).toEqual([{ ...serving, bytes: expect.any(Number) }]);
    const seen = await searchWhile(new Promise((r) => setTimeout(r, 200)));
    expect(seen.failures).toEqual([]);
    expect(seen.planned.length).toBeGreaterThan(0);
    expect(seen.planned.filter((plan) => !usesAnnIndex(plan, modelId))).toEqual([]);
  }, 120_000);

  it('swaps in a binary-quantized index whose candidates come back in exact cosine order', async () => {
    const plan = { kind: 'ivfflat-bq', lists: 40, probes: 10, rerank: 8 } as const;
    const { kind, ...params } = plan;
    await buildIndex(t.db, { id: modelId, dimensions: DIMS }, plan, () =>
      setIndexState(t.db, modelId, 'ready', kind, params),
    );
    const [index] = await modelIndexes(t.db, modelId);
    const { rows } = await t.db.query<{ def: string }>('SELECT pg_get_indexdef($1::regclass) AS def', [
      index?.name,
    ]);
    expect(rows[0]?.def).toMatch(/binary_quantize.*bit_hamming_ops/);

    const planned: string[] = [];
    const search = createSongIndex(explainingDatabase(t.db, (p) => planned.push(p)));
    const { rows: stored } = await t.db.query<{ id: string; embedding: string }>(
      'SELECT song_id::text AS id, embedding::text AS embedding FROM song_embeddings WHERE song_id IN (7, 4242, 31337)',
    );
    for (const song of stored) {
      const vector = Float32Array.from(JSON.parse(song.embedding) as number[]);
      const found = await search.search(vector, { limit: 50 });
      expect(found).toHaveLength(50);
      // The song searched by its own vector comes first, and the pool is ordered by exact similarity.
      expect(found[0]?.id).toBe(song.id);
      const similarities = found.map((c) => c.similarity);
      expect(similarities).toEqual([...similarities].sort((a, b) => b - a));
    }
    expect(planned.length).toBe(stored.length);
    expect(planned.filter((p) => !usesAnnIndex(p, modelId))).toEqual([]);
  }, 120_000);
});
