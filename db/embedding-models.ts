/** The record of embedding models: which one is live, its dimension and its index state. */
import type { Database, Queryable } from './database.ts';

/** How a model's vectors are searched (db/vector-index.ts). */
export type IndexKind = 'exact' | 'hnsw' | 'ivfflat' | 'ivfflat-bq';

export interface EmbeddingModel {
  readonly id: number;
  readonly name: string;
  readonly dimensions: number;
  readonly isActive: boolean;
  readonly indexState: 'none' | 'embedding' | 'building' | 'ready' | 'failed';
  readonly indexKind: IndexKind | null;
  readonly indexParams: Record<string, unknown>;
}

const COLUMNS = `id::int AS id, name, dimensions, is_active AS "isActive", index_state AS "indexState",
  index_kind AS "indexKind", index_params AS "indexParams"`;

export async function activeModel(db: Queryable): Promise<EmbeddingModel | undefined> {
  return (
    await db.query<EmbeddingModel & Record<string, unknown>>(
      `SELECT ${COLUMNS} FROM embedding_models WHERE is_active`,
    )
  ).rows[0];
}

export async function modelByName(db: Queryable, name: string): Promise<EmbeddingModel | undefined> {
  return (
    await db.query<EmbeddingModel & Record<string, unknown>>(
      `SELECT ${COLUMNS} FROM embedding_models WHERE name = $1`,
      [name],
    )
  ).rows[0];
}

/** The model's row, created on first use; a different dimension under the same name is refused. */
export async function ensureModel(db: Queryable, name: string, dimensions: number): Promise<EmbeddingModel> {
  await db.query(
    'INSERT INTO embedding_models (name, dimensions) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING',
    [name, dimensions],
  );
  const model = (
    await db.query<EmbeddingModel & Record<string, unknown>>(
      `SELECT ${COLUMNS} FROM embedding_models WHERE name = $1`,
      [name],
    )
  ).rows[0];
  if (!model) throw new Error(`embedding model ${name} vanished`);
  if (model.dimensions !== dimensions) {
    throw new Error(
      `embedding model ${name} is recorded with ${model.dimensions} dimensions, not ${dimensions}`,
    );
  }
  return model;
}

export async function setIndexState(
  db: Queryable,
  modelId: number,
  state: EmbeddingModel['indexState'],
  kind?: IndexKind,
  params: Record<string, unknown> = {},
): Promise<void> {
  await db.query(
    `UPDATE embedding_models SET index_state = $2, index_kind = coalesce($3, index_kind),
       index_params = $4::jsonb WHERE id = $1`,
    [modelId, state, kind ?? null, JSON.stringify(params)],
  );
}

/**
 * Makes `modelId` the live model in one transaction, so readers see the old model or the new one, never none.
 * Two statements because the one-active unique index is checked row by row, not at the end of a statement.
 */
export async function activate(db: Database, modelId: number): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query('UPDATE embedding_models SET is_active = false WHERE is_active AND id <> $1', [modelId]);
    await tx.query(
      'UPDATE embedding_models SET is_active = true, activated_at = now() WHERE id = $1 AND NOT is_active',
      [modelId],
    );
  });
}
