/** `sonic-mood slack`: the Slack app, in Socket Mode or HTTP mode as SLACK_MODE says. */
import type { App } from '@slack/bolt';
import { createSlackApp, EVENTS_PATH } from '../bots/slack/app.ts';
import { type Config, requireSettings } from '../core/config.ts';
import { createHealthHandler, HEALTH_PATHS, type HealthServer, startHealthServer } from './health-server.ts';
import type { Logger } from './logger.ts';
import { createProducer } from './producer.ts';
import { onShutdown } from './shutdown.ts';

export async function runSlackBot(config: Config, log: Logger): Promise<App> {
  requireSettings(config, 'slack');
  const { slack } = config;
  const producer = createProducer(config, log);
  const health = createHealthHandler(producer.checks, producer.metrics);
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
        ...producer.admission,
        admin: { reindex: producer.reindex, operators: config.operators, signal: watching.signal },
        daily: producer.daily,
        log,
      },
    );
  } catch (error) {
    // A refused bot token (auth.test) must end the process, not leave it idling on an open Redis connection.
    await producer.abandon();
    throw error;
  }
  // HEALTH_PORT serves the same handler in both modes (Socket Mode has no other HTTP server; the container's
  // HEALTHCHECK uses it). In HTTP mode on the very same port, the Slack receiver already serves it.
  const sharesPort = slack.mode === 'http' && config.queue.healthPort === slack.port;
  const healthServer: HealthServer = sharesPort
    ? { port: slack.port, close: async () => {} }
    : await startHealthServer(config.queue.healthPort, producer.checks, producer.metrics);
  onShutdown(log, [
    ['status watchers', async () => watching.abort()],
    ['slack', () => app.stop()],
    ['health', () => healthServer.close()],
    ...producer.shutdownSteps,
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
