/** `sonic-mood slack`: the Slack app, in Socket Mode or HTTP mode as SLACK_MODE says. */
import type { App } from '@slack/bolt';
import { createSlackApp, EVENTS_PATH } from '../bots/slack/app.ts';
import { type Config, requireSettings } from '../core/config.ts';
import { createDeliveryGuard, createRequestLimits } from '../workers/limits.ts';
import { createMetrics } from '../workers/metrics.ts';
import { createMoodQueue } from '../workers/mood-queue.ts';
import { createPlaylistContexts } from '../workers/playlist-context.ts';
import { connectRedis } from '../workers/redis.ts';
import { redisKeys } from '../workers/redis-keys.ts';
import { createReindexQueue } from '../workers/reindex-queue.ts';
import { createHealthHandler, HEALTH_PATHS, type HealthServer, startHealthServer } from './health-server.ts';
import type { Logger } from './logger.ts';
import { onShutdown } from './shutdown.ts';

export async function runSlackBot(config: Config, log: Logger): Promise<App> {
  requireSettings(config, 'slack');
  const { slack } = config;
  const redis = connectRedis(config.queue.redisUrl, 'producer', log);
  // Every key of this deployment under its QUEUE_PREFIX, BullMQ's and ours alike.
  const keys = redisKeys(config.queue.prefix);
  const queue = createMoodQueue(redis, { attempts: config.queue.attempts, prefix: config.queue.prefix });
  const reindex = createReindexQueue(redis, config.queue.prefix);
  const metrics = createMetrics();
  metrics.trackQueueDepth('mood', () => queue.depth());
  const checks = { redis: () => redis.ping() };
  const health = createHealthHandler(checks, metrics);
  // Aborted first at shutdown, so /mood-admin status messages stop polling before Redis goes.
  const watching = new AbortController();
  let app: App;
  try {
    app = await createSlackApp(
      {
        mode: slack.mode,
        botToken: slack.botToken ?? '',
        signingSecret: slack.signingSecret ?? '',
        appToken: slack.appToken,
        apiUrl: slack.apiUrl,
        port: slack.port,
        // HTTP mode: /healthz and /metrics on the public port too (Render health-checks that one).
        routes: HEALTH_PATHS.map((path) => ({ path, handler: health })),
      },
      {
        queue,
        limits: createRequestLimits(redis, {
          cooldownSeconds: config.queue.cooldownSeconds,
          groupHourlyCap: config.queue.groupHourlyCap,
          keys,
        }),
        contexts: createPlaylistContexts(redis, keys),
        deliveries: createDeliveryGuard(redis, keys),
        admin: { reindex, operators: config.operators, signal: watching.signal },
        log,
      },
    );
  } catch (error) {
    // A refused bot token (auth.test) must end the process, not leave it idling on an open Redis connection.
    await queue.close().catch(() => {});
    await reindex.close().catch(() => {});
    redis.disconnect();
    throw error;
  }
  // HEALTH_PORT serves the same handler in both modes (Socket Mode has no other HTTP server; the container's
  // HEALTHCHECK uses it). In HTTP mode on the very same port, the Slack receiver already serves it.
  const sharesPort = slack.mode === 'http' && config.queue.healthPort === slack.port;
  const healthServer: HealthServer = sharesPort
    ? { port: slack.port, close: async () => {} }
    : await startHealthServer(config.queue.healthPort, checks, metrics);
  onShutdown(log, [
    ['status watchers', async () => watching.abort()],
    ['slack', () => app.stop()],
    ['health', () => healthServer.close()],
    ['queue', () => queue.close()],
    ['reindex queue', () => reindex.close()],
    ['redis', () => redis.quit()],
  ]);
  if (slack.mode === 'http') {
    await app.start(slack.port);
    log.info({ mode: 'http', port: slack.port, path: EVENTS_PATH }, 'slack app listening');
  } else {
    await app.start();
    log.info({ mode: 'socket' }, 'slack app connected');
  }
  return app;
}
