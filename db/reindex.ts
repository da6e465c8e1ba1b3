/**
 * Re-indexing: embed the catalog for a model, build that model's ANN index beside the live model's, then
 * switch `/mood` to it in one transaction. For a new model, searches keep using the old model and its index
 * until the switch, and a failed or cancelled run leaves them untouched. Re-indexing the live model itself
 * (a refresh, or `full`) writes its vectors in place page by page and replaces its index without a gap.
 */
import { z } from 'zod';
import type { Embedder } from '../core/ports.ts';
import type { Database } from './database.ts';
import { activate, ensureModel, setIndexState } from './embedding-models.ts';
import { backfillEmbeddings } from './embeddings.ts';
import { buildIndex, chooseIndex, type IndexPlan, indexSizeBytes } from './vector-index.ts';

export const REINDEX_PHASES = ['embedding', 'indexing', 'switching', 'done'] as const;
export type ReindexPhase = (typeof REINDEX_PHASES)[number];

/**
 * What a re-index reports as it goes. A schema, not only a type: the worker stores it in the BullMQ job, and
 * whatever reads it back (the status of `/mood-admin`) gets it from Redis, where anything may have written it.
 */
export const ReindexProgress = z.object({
  phase: z.enum(REINDEX_PHASES),
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  /** Songs per second over this run's embedding so far. */
  rate: z.number().nonnegative(),
  etaSeconds: z.number().nonnegative().nullable(),
  /** The last song id embedded: where a resumed full run starts again (the job's `startAfter`). */
  cursor: z.string().max(20),
});
export type ReindexProgress = Readonly<z.infer<typeof ReindexProgress>>;

export interface ReindexOptions {
  readonly full?: boolean;
  readonly startAfter?: string;
  readonly batchSize?: number;
  readonly concurrency?: number;
  /** The most maintenance_work_mem the index build may take on the database server (INDEX_BUILD_MEMORY). */
  readonly buildMemoryBytes?: number;
  readonly onProgress?: (progress: ReindexProgress) => void | Promise<void>;
  readonly shouldStop?: () => Promise<boolean>;
}

export type ReindexOutcome =
  | {
      status: 'switched';
      model: string;
      embedded: number;
      plan: IndexPlan;
      indexBytes: number;
      embedSeconds: number;
      indexSeconds: number;
    }
  | { status: 'cancelled'; model: string; embedded: number };

// Two re-indexes at once would fight over the same rows and index; the loser fails fast.
const REINDEX_LOCK_ID = 7_311_965;

export class ReindexBusyError extends Error {
  constructor() {
    super('Another re-index is running');
    this.name = 'ReindexBusyError';
  }
}

export async function reindex(
  db: Database,
  embedder: Embedder,
  options: ReindexOptions = {},
): Promise<ReindexOutcome> {
  return db.session(async (lock) => {
    if (db.engine === 'postgres') {
      const [got] = (
        await lock.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [REINDEX_LOCK_ID])
      ).rows;
      if (!got?.ok) throw new ReindexBusyError();
    }
    try {
      return await run(db, embedder, options);
    } finally {
      if (db.engine === 'postgres') await lock.query('SELECT pg_advisory_unlock($1)', [REINDEX_LOCK_ID]);
    }
  });
}

async function run(db: Database, embedder: Embedder, options: ReindexOptions): Promise<ReindexOutcome> {
  const model = await ensureModel(db, embedder.model, embedder.dimensions);
  // The live model keeps its 'ready' state while it is refreshed in place; a new model shows its progress.
  if (!model.isActive) await setIndexState(db, model.id, 'embedding');
  const started = performance.now();
  let last: ReindexProgress = {
    phase: 'embedding',
    done: 0,
    total: 0,
    rate: 0,
    etaSeconds: null,
    cursor: '-1',
  };
  try {
    const { embedded, stopped } = await backfillEmbeddings(db, embedder, {
      full: options.full,
      startAfter: options.startAfter,
      batchSize: options.batchSize,
      concurrency: options.concurrency,
      shouldStop: options.shouldStop,
      onProgress: async ({ done, total, cursor }) => {
        const seconds = (performance.now() - started) / 1000;
        const rate = seconds > 0 ? done / seconds : 0;
        last = {
          phase: 'embedding',
          done,
          total,
          rate,
          etaSeconds: rate > 0 ? (total - done) / rate : null,
          cursor,
        };
        await options.onProgress?.(last);
      },
    });
    if (stopped) {
      if (!model.isActive) await setIndexState(db, model.id, 'none');
      return { status: 'cancelled', model: model.name, embedded };
    }
    const embedSeconds = (performance.now() - started) / 1000;

    const [count] = (
      await db.query<{ n: number }>('SELECT count(*)::int AS n FROM song_embeddings WHERE model_id = $1', [
        model.id,
      ])
    ).rows;
    const plan = chooseIndex(count?.n ?? 0, db.engine, {
      dimensions: model.dimensions,
      buildMemoryBytes: options.buildMemoryBytes,
    });
    await options.onProgress?.({ ...last, phase: 'indexing', etaSeconds: null });
    if (!model.isActive) await setIndexState(db, model.id, 'building');
    const indexStarted = performance.now();
    if (options.shouldStop && (await options.shouldStop())) {
      if (!model.isActive) await setIndexState(db, model.id, 'none');
      return { status: 'cancelled', model: model.name, embedded };
    }
    const { kind, ...params } = plan;
    // The live model's searches take the new settings as the new index takes over from the old one.
    await buildIndex(db, model, plan, () => setIndexState(db, model.id, 'ready', kind, params));
    const indexSeconds = (performance.now() - indexStarted) / 1000;

    await options.onProgress?.({ ...last, phase: 'switching', etaSeconds: null });
    await activate(db, model.id);
    await options.onProgress?.({ ...last, phase: 'done', etaSeconds: 0 });
    return {
      status: 'switched',
      model: model.name,
      embedded,
      plan,
      indexBytes: await indexSizeBytes(db, model.id),
      embedSeconds,
      indexSeconds,
    };
  } catch (error) {
    // The run's own error is the one to report; a database too broken to record the failure says so itself.
    if (!model.isActive) await setIndexState(db, model.id, 'failed').catch(() => {});
    throw error;
  }
}
