/**
 * The ANN index of one embedding model: a partial expression index on `song_embeddings`
 * (`(embedding::halfvec(D)) WHERE model_id = N`, or over its binary quantization for `ivfflat-bq`), so each
 * model's index sits beside the others: building a new model's index never touches the live model's, and
 * rebuilding the live model's builds the new one before it drops the old.
 *
 * Choice by catalog size and engine (figures: bench/results/search-*.md, bench/README.md):
 * - up to 20K rows: no index — exact search: perfect recall, nothing to build (~25 ms at 20K × 256 here);
 * - above that on PostgreSQL: IVFFlat, lists ≈ rows/1000 up to 1M rows and √rows above, probes ≈ √lists / 4
 *   (at least 10): on the benchmark catalog recall@10 reached 0.995 by probes 8 at 1M rows (1,000 lists) and by
 *   probes 12 at 12.4M (3,526 lists), and more probes only cost time (√lists / 2 = 30 there: 0.995 at 4× the
 *   latency of 4). /mood asks for a pool of 200 candidates, which an HNSW scan pays for in graph expansions:
 *   on the benchmark catalog HNSW (m 16, ef_construction 64) was ~1 ms faster at 20K rows, as fast at 250K and
 *   slower at 1M, with lower recall (0.975 against 0.996+), while IVFFlat built 8–20× faster in less memory
 *   (HNSW at 1M × 256 on 2 cores: 15.6 min, its graph outgrowing 1 GB at ~900K rows; IVFFlat: under a minute).
 *   probes can be raised for recall without a rebuild (the model's `index_params`);
 * - PGlite: HNSW (single-threaded WASM; catalogs there are small).
 */
import { z } from 'zod';
import type { Database, Queryable } from './database.ts';
import type { EmbeddingModel } from './embedding-models.ts';

export type IndexPlan =
  | { kind: 'exact' }
  | { kind: 'hnsw'; m: number; efConstruction: number; efSearch: number }
  | { kind: 'ivfflat'; lists: number; probes: number }
  /**
   * IVFFlat over `binary_quantize(embedding)::bit(D)` (Hamming distance, 1 bit per dimension: 16× smaller than
   * halfvec), whose `rerank` × pool nearest are re-ranked by exact cosine on the stored halfvec.
   */
  | { kind: 'ivfflat-bq'; lists: number; probes: number; rerank: number };

export const EXACT_MAX_ROWS = 20_000;
/** Above this, IVFFlat lists grow as √rows rather than rows/1000 (pgvector's guidance). */
const IVFFLAT_LINEAR_MAX_ROWS = 1_000_000;
/** maintenance_work_mem for an HNSW build: its graph must fit, or the build slows to a crawl. */
const HNSW_BUILD_BYTES = 1024 ** 3;
/** What a build may use on the database server unless configured (INDEX_BUILD_MEMORY). */
export const DEFAULT_BUILD_MEMORY_BYTES = 1024 ** 3;
const MIB = 1024 ** 2;

export interface IndexChoice {
  readonly dimensions: number;
  /** The most maintenance_work_mem a build may take on the database server. */
  readonly buildMemoryBytes?: number;
}

/**
 * The memory pgvector's IVFFlat build asks for: its k-means (Elkan's) keeps a lower bound per sample and
 * centre (4 B × samples × lists) and the centres' distances to each other beside the samples (50 per list,
 * at least 10,000) and the centres. At
 * 12.4M rows and √rows = 3,526 lists that is ~2.5 GB: the lower bounds grow with the square of the lists.
 */
export function ivfflatBuildBytes(
  lists: number,
  dimensions: number,
  bytesPerItem = 4 * dimensions + 8,
): number {
  const samples = Math.max(10_000, lists * 50);
  // Lower bounds; half the centre-to-centre distances; upper bounds and assignments; samples and centres.
  return 4 * samples * lists + 4 * lists * lists + 8 * samples + bytesPerItem * (samples + 4 * lists);
}

export function chooseIndex(rows: number, engine: Database['engine'], choice: IndexChoice): IndexPlan {
  if (rows <= EXACT_MAX_ROWS) return { kind: 'exact' };
  if (engine === 'pglite') return { kind: 'hnsw', m: 16, efConstruction: 64, efSearch: 100 };
  const budget = choice.buildMemoryBytes ?? DEFAULT_BUILD_MEMORY_BYTES;
  let lists = Math.round(rows <= IVFFLAT_LINEAR_MAX_ROWS ? rows / 1000 : Math.sqrt(rows));
  // Fewer lists than pgvector's guidance rather than a build the server cannot give memory to: each list
  // then holds more rows, so a search scans a little more per probe.
  while (lists > 1 && ivfflatBuildBytes(lists, choice.dimensions) > budget) lists = Math.floor(lists * 0.98);
  return { kind: 'ivfflat', lists, probes: Math.max(10, Math.round(Math.sqrt(lists) / 4)) };
}

/** maintenance_work_mem for building `plan`, as a PostgreSQL setting. */
export function buildMemory(plan: IndexPlan, dimensions: number): string {
  const bytes =
    plan.kind === 'hnsw'
      ? HNSW_BUILD_BYTES
      : plan.kind === 'exact'
        ? 64 * MIB
        : ivfflatBuildBytes(
            plan.lists,
            dimensions,
            plan.kind === 'ivfflat-bq' ? dimensions / 8 + 8 : undefined,
          );
  // 10 % headroom over the estimate, never below PostgreSQL's default.
  return `${Math.max(64, Math.ceil((bytes * 1.1) / MIB))}MB`;
}

/** Every ANN index of a model starts with this; a build appends its own generation. */
export function indexPrefix(modelId: number): string {
  return `song_embeddings_model_${Number(modelId)}_ann`;
}

export interface ModelIndex {
  readonly name: string;
  readonly valid: boolean;
  readonly bytes: number;
}

/** The model's ANN indexes, oldest first (names end in a base-36 build time; a legacy name sorts first). */
export async function modelIndexes(db: Queryable, modelId: number): Promise<ModelIndex[]> {
  const { rows } = await db.query<{ name: string; valid: boolean; bytes: string }>(
    `SELECT c.relname AS name, i.indisvalid AND i.indisready AS valid, pg_relation_size(c.oid)::text AS bytes
     FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
     WHERE i.indrelid = 'song_embeddings'::regclass AND starts_with(c.relname, $1::text)
     ORDER BY length(c.relname), c.relname`,
    [indexPrefix(modelId)],
  );
  return rows.map((r) => ({ name: r.name, valid: r.valid, bytes: Number(r.bytes) }));
}

/**
 * Builds the model's index for `plan` under a new name beside the one serving /mood, and drops the old one
 * only once the new one is valid and analysed, so every search in between has an ANN index. A failed or
 * cancelled build leaves the old index serving and removes its own invalid remains (as does the next build,
 * for a process that was killed mid-build: re-indexes hold an advisory lock, so no invalid index of a model
 * can belong to a build still running).
 */
export async function buildIndex(
  db: Database,
  model: Pick<EmbeddingModel, 'id' | 'dimensions'>,
  plan: IndexPlan,
  /** Runs once the new index is in place, before the old one goes: the moment to publish its search settings. */
  beforeSwap?: () => Promise<void>,
): Promise<void> {
  // On PostgreSQL, CONCURRENTLY keeps searches and writes flowing: no ACCESS EXCLUSIVE lock on the table.
  // PGlite is one connection, so nothing runs beside the build there anyway.
  const concurrently = db.engine === 'postgres' ? 'CONCURRENTLY ' : '';
  const drop = (name: string) => db.exec(`DROP INDEX ${concurrently}IF EXISTS ${name}`);
  const existing = await modelIndexes(db, model.id);
  for (const stale of existing) if (!stale.valid) await drop(stale.name);
  const previous = existing.filter((index) => index.valid);

  if (plan.kind !== 'exact') {
    const name = `${indexPrefix(model.id)}_${Date.now().toString(36)}`;
    try {
      await db.session(async (s) => {
        await s.query(`SET maintenance_work_mem = '${buildMemory(plan, Number(model.dimensions))}'`);
        await s.query(
          `CREATE INDEX ${concurrently}${name} ON song_embeddings USING ${indexMethod(plan, Number(model.dimensions))}
           WHERE model_id = ${Number(model.id)}`,
        );
      });
    } catch (error) {
      // A failed CREATE INDEX CONCURRENTLY leaves an invalid index behind; the serving one was never touched.
      await drop(name).catch(() => {});
      throw error;
    }
  }
  // The planner needs fresh statistics before it is left with the new index alone.
  await db.exec('ANALYZE song_embeddings');
  await beforeSwap?.();
  for (const old of previous) await drop(old.name);
}

function indexMethod(plan: Exclude<IndexPlan, { kind: 'exact' }>, d: number): string {
  if (plan.kind === 'hnsw') {
    return `hnsw ((embedding::halfvec(${d})) halfvec_cosine_ops) WITH (m = ${plan.m}, ef_construction = ${plan.efConstruction})`;
  }
  if (plan.kind === 'ivfflat-bq') {
    return `ivfflat ((${quantized('embedding', d)}) bit_hamming_ops) WITH (lists = ${plan.lists})`;
  }
  return `ivfflat ((embedding::halfvec(${d})) halfvec_cosine_ops) WITH (lists = ${plan.lists})`;
}

/** The bit expression a binary-quantized index is built on; a search must spell it the same way. */
export function quantized(expression: string, d: number): string {
  return `binary_quantize(${expression}::halfvec(${Number(d)}))::bit(${Number(d)})`;
}

/** Bytes of the model's serving index (0 when it is searched exactly). */
export async function indexSizeBytes(db: Queryable, modelId: number): Promise<number> {
  const valid = (await modelIndexes(db, modelId)).filter((i) => i.valid);
  return valid.at(-1)?.bytes ?? 0;
}

/**
 * The search settings a model's `index_params` hold, by index kind. A schema because the column is JSON an
 * operator may edit by hand (raising `probes` needs no rebuild): a missing or unreadable value falls back to
 * the default the re-index would have written, instead of reaching SQL as `NaN`.
 */
const positive = (fallback: number) => z.number().int().positive().catch(fallback);
export const IndexParams = {
  hnsw: z.object({ efSearch: positive(100) }),
  ivfflat: z.object({ probes: positive(10) }),
  'ivfflat-bq': z.object({ probes: positive(10), rerank: positive(4) }),
} as const;

export type IndexParams = { [K in keyof typeof IndexParams]: z.infer<(typeof IndexParams)[K]> };

/** A model's `index_params` for its index kind, defaults filled in. */
export function indexParamsOf<K extends keyof typeof IndexParams>(kind: K, params: unknown): IndexParams[K] {
  const stored = typeof params === 'object' && params !== null ? params : {};
  return IndexParams[kind].parse(stored) as IndexParams[K];
}

/** Session settings a search needs for the model's index (sent with SET LOCAL inside its transaction). */
export function searchSettings(model: Pick<EmbeddingModel, 'indexKind' | 'indexParams'>): string[] {
  if (model.indexKind === 'hnsw') {
    // Iterative scans (pgvector 0.8) keep filtered or excluded searches from coming back short.
    return [
      `SET LOCAL hnsw.ef_search = ${indexParamsOf('hnsw', model.indexParams).efSearch}`,
      `SET LOCAL hnsw.iterative_scan = relaxed_order`,
    ];
  }
  if (model.indexKind === 'ivfflat' || model.indexKind === 'ivfflat-bq') {
    return [
      `SET LOCAL ivfflat.probes = ${indexParamsOf(model.indexKind, model.indexParams).probes}`,
      `SET LOCAL ivfflat.iterative_scan = relaxed_order`,
    ];
  }
  return [];
}
