/**
 * First use on the embedded defaults: load the shipped demo catalog into an empty database, embed whatever
 * the configured model has not embedded yet, and make that model live when none is.
 */
import { fileURLToPath } from 'node:url';
import type { Embedder } from '../core/ports.ts';
import type { Database } from '../db/database.ts';
import { activate, activeModel, setIndexState } from '../db/embedding-models.ts';
import { backfillEmbeddings } from '../db/embeddings.ts';
import { ingestCatalog } from '../db/ingest/catalog.ts';
import { reindex } from '../db/reindex.ts';
import type { Logger } from './logger.ts';
import { progressBar } from './progress.ts';

export const DEMO_CATALOG = fileURLToPath(new URL('../data/demo-catalog.csv', import.meta.url));

export async function ensureCatalogReady(db: Database, embedder: Embedder, log: Logger): Promise<void> {
  const [count] = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM songs')).rows;
  if ((count?.n ?? 0) === 0) {
    const report = await ingestCatalog(db, DEMO_CATALOG);
    log.info({ songs: report.songsUpserted }, 'loaded the demo catalog');
  }
  const live = await activeModel(db);
  if (live && live.name !== embedder.model) {
    // An older version of the local embedder is live (this checkout upgraded it): re-index in place of it.
    // Any other model was chosen by a re-index: leave it alone; recommend() explains the mismatch.
    if (!(live.name.startsWith('local:') && embedder.model.startsWith('local:'))) return;
    const bar = progressBar('Re-embedding for the new local model', 'songs');
    try {
      await reindex(db, embedder, {
        onProgress: (p) => (p.total > 0 ? bar.update(p.done, p.total) : undefined),
      });
    } finally {
      bar.stop();
    }
    log.info({ from: live.name, to: embedder.model }, 're-indexed for the new local model');
    return;
  }

  const bar = progressBar('Embedding the catalog', 'songs');
  try {
    const { modelId, embedded } = await backfillEmbeddings(db, embedder, {
      onProgress: ({ done, total }) => {
        if (total > 0) bar.update(done, total);
      },
    });
    if (embedded > 0) log.info({ embedded, model: embedder.model }, 'embedded songs');
    if (!live) {
      // Small catalogs are searched exactly; the re-index builds an ANN index when the catalog grows.
      await setIndexState(db, modelId, 'ready', 'exact');
      await activate(db, modelId);
    }
  } finally {
    bar.stop();
  }
}
