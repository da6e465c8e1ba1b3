/** `sonic-mood worker`: consumes the `mood` queue and answers on each platform through its responder. */
import type { Config } from '../core/config.ts';
import { activeModel } from '../db/embedding-models.ts';
import { createMoodWorker } from '../workers/mood-worker.ts';
import { createPlaylistContexts } from '../workers/playlist-context.ts';
import { checkEvictionPolicy, connectRedis } from '../workers/redis.ts';
import { openApp } from './app.ts';
import { ensureCatalogReady } from './catalog-setup.ts';
import type { Logger } from './logger.ts';
import { platformResponders } from './responders.ts';
import { onShutdown } from './shutdown.ts';

export async function runWorker(config: Config, log: Logger): Promise<void> {
  const redis = connectRedis(config.queue.redisUrl, 'worker');
  await checkEvictionPolicy(redis, config.queue.evictionCheck, log);
  const app = await openApp(config, log);
  // A fresh install (no live model yet) gets the demo catalog; a live catalog is the re-index's business.
  if (!(await activeModel(app.db))) await ensureCatalogReady(app.db, app.providers.embedder, log);

  const worker = createMoodWorker({
    connection: redis,
    recommender: app.recommender,
    responders: platformResponders(config, log),
    contexts: createPlaylistContexts(redis),
    concurrency: config.queue.concurrency,
    lockMs: config.queue.lockMs,
    log,
    prefix: config.queue.prefix,
  });
  await worker.waitUntilReady();
  log.info({ concurrency: config.queue.concurrency }, 'worker ready');

  onShutdown(log, [
    // close() lets in-flight jobs finish; a job it could not finish stays in Redis and another worker takes it.
    ['worker', () => worker.close()],
    ['database', () => app.close()],
    ['redis', () => redis.quit()],
  ]);
}
