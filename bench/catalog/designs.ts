/**
 * The two designs as a /mood request uses them, on one server and one catalog:
 * - ours: `createSongIndex().search()` for a pool of candidates (live-model lookup, SET LOCAL settings, join to
 *   songs) and `rerank()`, one search per request (the mood and HyDE vectors are blended before it);
 * - the original: `vector(D)` in its own table, IVFFlat `vector_cosine_ops` with lists = √N and probes left at
 *   1, two searches per request — the mood vector LIMIT 5 and the HyDE vector LIMIT 3 — each sorted by
 *   popularity alone, one after the other.
 */
import pg from 'pg';
import pgvector from 'pgvector';
import { rerank } from '../../core/rerank.ts';
import type { Database } from '../../db/database.ts';
import { createSongIndex } from '../../db/song-index.ts';
import { buildMemory as buildMemoryFor } from '../../db/vector-index.ts';
import { type CatalogQuery, K } from './truth.ts';

/** Production defaults (core/config.ts): CANDIDATE_POOL, MAX_PER_ARTIST, POPULARITY_WEIGHT. */
export const POOL = 200;
const RERANK = { size: K, maxPerArtist: 2, popularityWeight: 0.15 } as const;

/** A song a design found, with its cosine similarity to the mood vector as the database computed it. */
export interface Found {
  readonly id: string;
  readonly similarity: number;
}

/** One /mood request's search work; `nearest` = the design's K nearest to the mood vector, for recall. */
export type Request = (query: CatalogQuery) => Promise<{ nearest: Found[] }>;

export function oursRequest(db: Database): Request {
  const index = createSongIndex(db);
  return async (query) => {
    const candidates = await index.search(Float32Array.from(query.vector), { limit: POOL });
    rerank(candidates, RERANK);
    // iterative_scan = relaxed_order may return candidates slightly out of order: sort for recall.
    const nearest = [...candidates]
      .sort((a, b) => b.similarity - a.similarity)
      .slice(0, K)
      .map((c) => ({ id: c.id, similarity: c.similarity }));
    return { nearest };
  };
}

const ORIGINAL_SEARCH = `SELECT s.song_id::text AS id, s.popularity_score
  FROM original.song_embeddings e JOIN original.songs s ON s.song_id = e.song_id
  ORDER BY e.embedding <=> $1::vector LIMIT $2`;

/** The original's pool: probes as it ran (never set: 1) or tuned, per connection. */
export function originalPool(url: string, probes: number | undefined, max = 8): pg.Pool {
  return new pg.Pool({
    connectionString: url,
    max,
    options: probes === undefined ? undefined : `-c ivfflat.probes=${probes}`,
  });
}

export function originalRequest(pool: pg.Pool): Request {
  const search = async (vector: readonly number[], limit: number) => {
    const { rows } = await pool.query<{ id: string; popularity_score: number }>(ORIGINAL_SEARCH, [
      pgvector.toSql(vector),
      limit,
    ]);
    return rows.sort((a, b) => b.popularity_score - a.popularity_score);
  };
  return async (query) => {
    const mood = await search(query.vector, 5);
    const hyde = await search(query.hyde, 3);
    const seen = new Map<string, Found>();
    for (const r of [...mood, ...hyde]) seen.set(r.id, { id: r.id, similarity: Number.NaN });
    return { nearest: [...seen.values()] };
  };
}

/** The original's index alone, K nearest to the mood vector: its recall@K. */
export function originalNearest(pool: pg.Pool): Request {
  return async (query) => {
    const { rows } = await pool.query<{ id: string; similarity: number }>(
      `SELECT e.song_id::text AS id, 1 - (e.embedding <=> $1::vector) AS similarity
       FROM original.song_embeddings e ORDER BY e.embedding <=> $1::vector LIMIT $2`,
      [pgvector.toSql(query.vector), K],
    );
    return { nearest: rows.map((r) => ({ id: r.id, similarity: Number(r.similarity) })) };
  };
}

export interface OriginalBuild {
  readonly loadSeconds: number;
  readonly buildSeconds: number;
  readonly lists: number;
  readonly buildMemory: string;
  readonly note?: string;
  readonly tableBytes: number;
  readonly indexBytes: number;
}

/**
 * The original's schema filled from ours (the same vectors, as vector(D), and the same statistics), then its
 * index. It never set maintenance_work_mem, so the build runs at PostgreSQL's default first and is retried
 * with our build memory when that is too little (noted).
 */
export async function buildOriginal(
  client: pg.ClientBase,
  options: { modelId: number; dims: number; rows: number },
): Promise<OriginalBuild> {
  const d = Number(options.dims);
  const started = performance.now();
  await client.query('DROP SCHEMA IF EXISTS original CASCADE');
  await client.query('CREATE SCHEMA original');
  await client.query(`CREATE TABLE original.songs (
    song_id int PRIMARY KEY, song_name text, band text, interactions_count bigint, unique_users bigint,
    avg_interactions_per_user double precision, popularity_score double precision, has_lyrics boolean, lyrics text)`);
  await client.query(`INSERT INTO original.songs
    SELECT id, name, artist, interactions_count, unique_users, avg_interactions_per_user, popularity_score, false, NULL
    FROM songs`);
  await client.query(
    `CREATE TABLE original.song_embeddings (song_id int PRIMARY KEY, embedding vector(${d}))`,
  );
  await client.query(
    `INSERT INTO original.song_embeddings
     SELECT song_id, embedding::vector(${d}) FROM song_embeddings WHERE model_id = ${Number(options.modelId)}`,
  );
  await client.query('ANALYZE original.songs');
  await client.query('ANALYZE original.song_embeddings');
  const loadSeconds = (performance.now() - started) / 1000;

  const lists = Math.max(1, Math.round(Math.sqrt(options.rows)));
  const create = `CREATE INDEX original_embedding_ivfflat ON original.song_embeddings
    USING ivfflat (embedding vector_cosine_ops) WITH (lists = ${lists})`;
  let buildMemory = '64MB';
  // What pgvector's k-means needs for these lists: what our re-index gives its own build.
  const needed = buildMemoryFor({ kind: 'ivfflat', lists, probes: 1 }, d);
  let note: string | undefined;
  const buildStarted = performance.now();
  let built = buildStarted;
  try {
    await client.query(`SET maintenance_work_mem = '${buildMemory}'`);
    await client.query(create);
  } catch (error) {
    note = `At PostgreSQL's default maintenance_work_mem (${buildMemory}), which the original never changed, its build failed: "${error instanceof Error ? error.message : String(error)}"; it was rebuilt with ${needed}.`;
    buildMemory = needed;
    built = performance.now();
    await client.query(`SET maintenance_work_mem = '${needed}'`);
    await client.query(create);
  } finally {
    await client.query('RESET maintenance_work_mem');
  }
  const buildSeconds = (performance.now() - built) / 1000;
  const { rows } = await client.query<{ table: string; index: string }>(
    `SELECT (pg_relation_size('original.song_embeddings') + pg_relation_size('original.songs'))::text AS table,
            pg_relation_size('original.original_embedding_ivfflat')::text AS index`,
  );
  return {
    loadSeconds,
    buildSeconds,
    lists,
    buildMemory,
    note,
    tableBytes: Number(rows[0]?.table ?? 0),
    indexBytes: Number(rows[0]?.index ?? 0),
  };
}

export interface Latency {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly rps: number;
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
}

/** `total` requests over `clients` concurrent callers, after a warm-up of a fifth as many. */
export async function timeRequests(
  request: Request,
  queries: readonly CatalogQuery[],
  total: number,
  clients: number,
): Promise<Latency> {
  const runMany = async (n: number, out?: Float64Array) => {
    let next = 0;
    const caller = async () => {
      for (;;) {
        const i = next++;
        if (i >= n) return;
        const t = performance.now();
        await request(queries[i % queries.length] as CatalogQuery);
        if (out) out[i] = performance.now() - t;
      }
    };
    const started = performance.now();
    await Promise.all(Array.from({ length: clients }, caller));
    return performance.now() - started;
  };
  await runMany(Math.max(clients * 10, Math.round(total / 5)));
  const ms = new Float64Array(total);
  const wall = await runMany(total, ms);
  ms.sort();
  return {
    p50: percentile(ms, 50),
    p95: percentile(ms, 95),
    p99: percentile(ms, 99),
    rps: total / (wall / 1000),
  };
}

/**
 * Recall@K by distance, as ANN benchmarks count it: a found song counts when it is at least as close as the
 * exact K-th nearest. Catalogs hold exact duplicates (the same title and artist listed twice): counting by
 * id would score a tie broken the other way as a miss, and cap recall below what the index reaches.
 */
const TIE = 5e-5;

export async function recallOf(
  request: Request,
  queries: readonly CatalogQuery[],
  kth: readonly number[],
): Promise<number> {
  let sum = 0;
  for (let i = 0; i < queries.length; i++) {
    const found = (await request(queries[i] as CatalogQuery)).nearest.slice(0, K);
    const bar = (kth[i] ?? Number.POSITIVE_INFINITY) - TIE;
    sum += found.filter((f) => f.similarity >= bar).length / K;
  }
  return sum / Math.max(1, queries.length);
}
