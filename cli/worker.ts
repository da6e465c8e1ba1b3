/** `sonic-mood worker`: consumes the `mood` queue and answers on each platform through its responder. */

import type { Config } from '../core/config.ts';
import { activeModel } from '../db/embedding-models.ts';
import { createDailySchedules } from '../workers/daily.ts';
import { createDailyWorker } from '../workers/daily-worker.ts';
import { createFeedbackStore } from '../workers/feedback.ts';
import { QUEUES } from '../workers/jobs.ts';
import { createMetrics } from '../workers/metrics.ts';
import { createMoodQueue } from '../workers/mood-queue.ts';
import { createMoodWorker } from '../workers/mood-worker.ts';
import { createPlaylistContexts } from '../workers/playlist-context.ts';
import { checkEvictionPolicy, connectRedis } from '../workers/redis.ts';
import { redisKeys } from '../workers/redis-keys.ts';
import { createReindexWorker } from '../workers/reindex-worker.ts';
import { openApp } from './app.ts';
import { ensureCatalogReady } from './catalog-setup.ts';
import { startHealthServer } from './health-server.ts';
import type { Logger } from './logger.ts';
import { channelPosters, platformResponders } from './responders.ts';
import { onShutdown } from './shutdown.ts';

export async function runWorker(config: Config, log: Logger): Promise<void> {
  const redis = connectRedis(config.queue.redisUrl, 'worker', log);
  await checkEvictionPolicy(redis, config.queue.evictionCheck, log);
  const metrics = createMetrics();
  const keys = redisKeys(config.queue.prefix);
  const app = await openApp(config, log, metrics, createFeedbackStore(redis, keys));
  // A fresh install (no live model yet) gets the demo catalog; a live catalog is the re-index's business.
  // Before the catalog set-up and any job: a worker whose health port is taken must fail at once, not
  // consume jobs unwatched.
  const health = await startHealthServer(
    config.queue.healthPort,
    { redis: () => redis.ping(), database: () => app.db.query('SELECT 1') },
    metrics,
    log,
  );
  if (!(await activeModel(app.db))) await ensureCatalogReady(app.db, app.providers.embedder, log);

  const worker = createMoodWorker({
    connection: redis,
    recommender: app.recommender,
    responders: platformResponders(config, log),
    contexts: createPlaylistContexts(redis, keys),
    concurrency: config.queue.concurrency,
    lockMs: config.queue.lockMs,
    log,
    prefix: config.queue.prefix,
    metrics,
  });
  const reindexWorker = createReindexWorker({
    connection: redis,
    db: app.db,
    embedder: app.providers.embedder,
    embedderFor: app.providers.embedderFor,
    log,
    prefix: config.queue.prefix,
    lockMs: config.queue.lockMs,
    buildMemoryBytes: config.indexBuildMemoryBytes,
    operators: config.operators,
  });
  const schedules = createDailySchedules(redis, keys);
  const dailyWorker = createDailyWorker({
    connection: redis,
    recommender: app.recommender,
    posters: channelPosters(config, log),
    contexts: createPlaylistContexts(redis, keys),
    schedules,
    log,
    prefix: config.queue.prefix,
    metrics,
  });
  await Promise.all([worker.waitUntilReady(), reindexWorker.waitUntilReady(), dailyWorker.waitUntilReady()]);
  const depthQueue = createMoodQueue(redis, { attempts: config.queue.attempts, prefix: config.queue.prefix });
  metrics.trackQueueDepth(QUEUES.mood, () => depthQueue.depth());
  log.info({ concurrency: config.queue.concurrency }, 'worker ready');

  onShutdown(log, [
    // close() lets in-flight jobs finish; a job it could not finish stays in Redis and another worker takes it.
    ['worker', () => worker.close()],
    // A re-index stops at its next page boundary when closed; its job resumes on the next worker.
    ['reindex worker', () => reindexWorker.close()],
    ['daily worker', () => dailyWorker.close()],
    ['daily schedules', () => schedules.close()],
    ['health', () => health.close()],
    ['depth queue', () => depthQueue.close()],
    ['database', () => app.close()],
    ['redis', () => redis.quit()],
  ]);
}
