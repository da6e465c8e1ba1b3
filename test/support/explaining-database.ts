/**
 * A `Database` that EXPLAINs each vector search in the same transaction (so under the same SET LOCAL
 * settings and the same set of indexes) just before running it, and hands the plan to `onPlan`: evidence
 * that a search used an ANN index, for tests and benchmarks.
 */
import type { Database, Queryable } from '../../db/database.ts';

/** The song index's vector searches read `song_embeddings e` (db/song-index.ts); vectorsOf has no alias. */
const VECTOR_SEARCH = /FROM song_embeddings e\b/;

export function explainingDatabase(db: Database, onPlan: (plan: string) => void): Database {
  const explaining = (q: Queryable): Queryable => ({
    async query(text, params) {
      if (VECTOR_SEARCH.test(text)) {
        const { rows } = await q.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${text}`, params);
        onPlan(rows.map((r) => r['QUERY PLAN']).join('\n'));
      }
      return q.query(text, params);
    },
  });
  return {
    engine: db.engine,
    query: (text, params) => explaining(db).query(text, params),
    exec: (sql) => db.exec(sql),
    session: (fn) => db.session(fn),
    transaction: (fn) => db.transaction((tx) => fn(explaining(tx))),
    copyFrom: (table, columns, rows) => db.copyFrom(table, columns, rows),
    close: () => db.close(),
  };
}

/** Whether a plan scans one of the model's ANN indexes (db/vector-index.ts names them by model). */
export function usesAnnIndex(plan: string, modelId: number): boolean {
  return new RegExp(`Index Scan using song_embeddings_model_${Number(modelId)}_ann\\w*`).test(plan);
}
