/**
 * The ANN index of one embedding model: a partial expression index on `song_embeddings`
 * (`(embedding::halfvec(D)) WHERE model_id = N`), so each model's index is built beside the others and a
 * model switch never touches the live one.
 *
 * Choice by catalog size and engine (figures: bench/results/search-*.md, bench/README.md):
 * - up to 20K rows: no index — exact search: perfect recall, nothing to build (~25 ms at 20K × 256 here);
 * - above that on PostgreSQL: IVFFlat, lists ≈ rows/1000 up to 1M rows and √rows above, probes ≈ √lists / 2
 *   (at least 10). /mood asks for a pool of 200 candidates, which an HNSW scan pays for in graph expansions:
 *   on the benchmark catalog HNSW (m 16, ef_construction 64) was ~1 ms faster at 20K rows, as fast at 250K and
 *   slower at 1M, with lower recall (0.975 against 0.996+), while IVFFlat built 8–20× faster in less memory
 *   (HNSW at 1M × 256 on 2 cores: 15.6 min, its graph outgrowing 1 GB at ~900K rows; IVFFlat: under a minute).
 *   probes can be raised for recall without a rebuild (the model's `index_params`);
 * - PGlite: HNSW (single-threaded WASM; catalogs there are small).
 */
import type { Database, Queryable } from './database.ts';
import type { EmbeddingModel } from './embedding-models.ts';

export type IndexPlan =
  | { kind: 'exact' }
  | { kind: 'hnsw'; m: number; efConstruction: number; efSearch: number }
  | { kind: 'ivfflat'; lists: number; probes: number };

export const EXACT_MAX_ROWS = 20_000;
/** Above this, IVFFlat lists grow as √rows rather than rows/1000 (pgvector's guidance). */
const IVFFLAT_LINEAR_MAX_ROWS = 1_000_000;

export function chooseIndex(rows: number, engine: Database['engine']): IndexPlan {
  if (rows <= EXACT_MAX_ROWS) return { kind: 'exact' };
  if (engine === 'pglite') return { kind: 'hnsw', m: 16, efConstruction: 64, efSearch: 100 };
  const lists = Math.round(rows <= IVFFLAT_LINEAR_MAX_ROWS ? rows / 1000 : Math.sqrt(rows));
  return { kind: 'ivfflat', lists, probes: Math.max(10, Math.round(Math.sqrt(lists) / 2)) };
}

export function indexName(modelId: number): string {
  return `song_embeddings_model_${Number(modelId)}_ann`;
}

/** `maintenance_work_mem` for the build: enough to keep an HNSW graph in memory, bounded by the machine. */
export const BUILD_MEMORY = '1GB';

export async function buildIndex(
  db: Database,
  model: Pick<EmbeddingModel, 'id' | 'dimensions'>,
  plan: IndexPlan,
) {
  const name = indexName(model.id);
  const d = Number(model.dimensions);
  await db.exec(`DROP INDEX IF EXISTS ${name}`);
  if (plan.kind !== 'exact') {
    const method =
      plan.kind === 'hnsw'
        ? `hnsw ((embedding::halfvec(${d})) halfvec_cosine_ops) WITH (m = ${plan.m}, ef_construction = ${plan.efConstruction})`
        : `ivfflat ((embedding::halfvec(${d})) halfvec_cosine_ops) WITH (lists = ${plan.lists})`;
    // CONCURRENTLY keeps writes to other models' rows flowing; PGlite is one connection and needs no such care.
    const concurrently = db.engine === 'postgres' ? 'CONCURRENTLY ' : '';
    await db.session(async (s) => {
      await s.query(`SET maintenance_work_mem = '${BUILD_MEMORY}'`);
      await s.query(
        `CREATE INDEX ${concurrently}${name} ON song_embeddings USING ${method} WHERE model_id = ${Number(model.id)}`,
      );
    });
  }
  await db.exec('ANALYZE song_embeddings');
}

export async function indexSizeBytes(db: Queryable, modelId: number): Promise<number> {
  const [row] = (
    await db.query<{ bytes: string | null }>(
      `SELECT pg_relation_size(to_regclass($1::text))::text AS bytes`,
      [indexName(modelId)],
    )
  ).rows;
  return Number(row?.bytes ?? 0);
}

/** Session settings a search needs for the model's index (sent with SET LOCAL inside its transaction). */
export function searchSettings(model: Pick<EmbeddingModel, 'indexKind' | 'indexParams'>): string[] {
  const p = model.indexParams;
  if (model.indexKind === 'hnsw') {
    // Iterative scans (pgvector 0.8) keep filtered or excluded searches from coming back short.
    return [
      `SET LOCAL hnsw.ef_search = ${Number(p.efSearch ?? 100)}`,
      `SET LOCAL hnsw.iterative_scan = relaxed_order`,
    ];
  }
  if (model.indexKind === 'ivfflat') {
    return [
      `SET LOCAL ivfflat.probes = ${Number(p.probes ?? 10)}`,
      `SET LOCAL ivfflat.iterative_scan = relaxed_order`,
    ];
  }
  return [];
}
