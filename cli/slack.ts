/** `sonic-mood slack`: the Slack app, in Socket Mode or HTTP mode as SLACK_MODE says. */
import type { App } from '@slack/bolt';
import { createSlackApp, EVENTS_PATH } from '../bots/slack/app.ts';
import { type Config, requireSettings } from '../core/config.ts';
import { createDeliveryGuard, createRequestLimits } from '../workers/limits.ts';
import { createMetrics } from '../workers/metrics.ts';
import { createMoodQueue } from '../workers/mood-queue.ts';
import { createPlaylistContexts } from '../workers/playlist-context.ts';
import { connectRedis } from '../workers/redis.ts';
import { startHealthServer } from './health-server.ts';
import type { Logger } from './logger.ts';
import { onShutdown } from './shutdown.ts';

export async function runSlackBot(config: Config, log: Logger): Promise<App> {
  requireSettings(config, 'slack');
  const { slack } = config;
  const redis = connectRedis(config.queue.redisUrl, 'producer');
  const queue = createMoodQueue(redis, { attempts: config.queue.attempts, prefix: config.queue.prefix });
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
      },
      {
        queue,
        limits: createRequestLimits(redis, {
          cooldownSeconds: config.queue.cooldownSeconds,
          groupHourlyCap: config.queue.groupHourlyCap,
          keyPrefix: `${config.queue.prefix}:limit`,
        }),
        contexts: createPlaylistContexts(redis),
        deliveries: createDeliveryGuard(redis, `${config.queue.prefix}:delivery`),
        log,
      },
    );
  } catch (error) {
    // A refused bot token (auth.test) must end the process, not leave it idling on an open Redis connection.
    await queue.close().catch(() => {});
    redis.disconnect();
    throw error;
  }
  const metrics = createMetrics();
  metrics.trackQueueDepth('mood', () => queue.depth());
  const health = await startHealthServer(config.queue.healthPort, { redis: () => redis.ping() }, metrics);
  onShutdown(log, [
    ['slack', () => app.stop()],
    ['health', () => health.close()],
    ['queue', () => queue.close()],
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
