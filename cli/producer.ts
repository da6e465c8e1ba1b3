/**
 * What every bot process (`sonic-mood discord`, `sonic-mood slack`) is built from: a fail-fast Redis
 * connection, the `mood` and `reindex` queues under QUEUE_PREFIX, the admission's limits, contexts and
 * delivery claims, metrics, the health checks, and the shutdown steps that close them in order. A bot adds
 * its platform's listener in front and its own steps before these.
 */
import type { Config } from '../core/config.ts';
import type { MoodAdmissionDeps } from '../workers/admission.ts';
import { createDailySchedules, type DailySchedules } from '../workers/daily.ts';
import { createFeedbackStore } from '../workers/feedback.ts';
import { createDeliveryGuard, createRequestLimits } from '../workers/limits.ts';
import { createMetrics, type Metrics } from '../workers/metrics.ts';
import { createMoodQueue } from '../workers/mood-queue.ts';
import { createPlaylistContexts } from '../workers/playlist-context.ts';
import { connectRedis } from '../workers/redis.ts';
import { redisKeys } from '../workers/redis-keys.ts';
import { createReindexQueue, type ReindexQueue } from '../workers/reindex-queue.ts';
import type { HealthCheck } from './health-server.ts';
import type { Logger } from './logger.ts';

export type ShutdownStep = readonly [string, () => Promise<unknown>];

export interface Producer {
  /** What the admission needs: the queue, limits, delivery claims and playlist contexts. */
  readonly admission: MoodAdmissionDeps;
  readonly reindex: ReindexQueue;
  /** The channels' moods of the day (`/mood-daily`). */
  readonly daily: DailySchedules;
  readonly metrics: Metrics;
  readonly checks: Record<string, HealthCheck>;
  /** Closes the queues, then Redis; run after the bot's own steps. */
  readonly shutdownSteps: readonly ShutdownStep[];
  /** For a process that fails to start: let go of Redis now, so it can exit. */
  abandon(): Promise<void>;
}

export function createProducer(config: Config, log: Logger): Producer {
  const redis = connectRedis(config.queue.redisUrl, 'producer', log);
  // Every key of this deployment under its QUEUE_PREFIX, BullMQ's and ours alike.
  const keys = redisKeys(config.queue.prefix);
  const queue = createMoodQueue(redis, { attempts: config.queue.attempts, prefix: config.queue.prefix });
  const reindex = createReindexQueue(redis, { prefix: config.queue.prefix, models: config.models });
  const daily = createDailySchedules(redis, keys);
  const metrics = createMetrics();
  metrics.trackQueueDepth('mood', () => queue.depth());
  return {
    admission: {
      queue,
      limits: createRequestLimits(redis, {
        cooldownSeconds: config.queue.cooldownSeconds,
        groupHourlyCap: config.queue.groupHourlyCap,
        keys,
      }),
      contexts: createPlaylistContexts(redis, keys),
      deliveries: createDeliveryGuard(redis, keys),
      feedback: createFeedbackStore(redis, keys),
      onVote: (platform, vote) => metrics.vote(platform, vote),
    },
    reindex,
    daily,
    metrics,
    checks: { redis: () => redis.ping() },
    shutdownSteps: [
      ['queue', () => queue.close()],
      ['reindex queue', () => reindex.close()],
      ['daily schedules', () => daily.close()],
      ['redis', () => redis.quit()],
    ],
    async abandon() {
      await queue.close().catch(() => {});
      await reindex.close().catch(() => {});
      await daily.close().catch(() => {});
      redis.disconnect();
    },
  };
}
