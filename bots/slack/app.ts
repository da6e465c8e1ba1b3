/**
 * The Slack app: Bolt in Socket Mode (an outbound WebSocket, no public URL: laptops, private networks) or HTTP
 * mode (Slack POSTs to `/slack/events`: Render and other hosts with a public URL), a configuration switch; the
 * listeners (listeners.ts) are the same in both. Signature verification is on, and the bot token is checked at
 * start-up.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { App, HTTPReceiver } from '@slack/bolt';
import type { Logger } from 'pino';
import type { MoodAdmissionDeps } from '../../workers/admission.ts';
import type { DailySchedules } from '../../workers/daily.ts';
import type { SlackAdminDeps } from './admin.ts';
import { attachSlackBot } from './listeners.ts';
import { slackLogger } from './log.ts';
import { rejectUntimelyRequests } from './request-age.ts';

export interface SlackBotDeps extends MoodAdmissionDeps {
  readonly log: Logger;
  /** `/mood-admin`: absent, the command answers that administration is not available here. */
  readonly admin?: SlackAdminDeps;
  /** `/mood-daily`: absent, the command says it is not available here. */
  readonly daily?: DailySchedules;
}

/** A GET route the HTTP receiver serves beside Slack's events path (e.g. `/healthz`, `/metrics`). */
export interface HttpRoute {
  readonly path: string;
  readonly handler: (req: IncomingMessage, res: ServerResponse) => void;
}

export interface SlackAppSettings {
  readonly mode: 'socket' | 'http';
  /** xoxb-… */
  readonly botToken: string;
  /** Verifies every HTTP request (HMAC-SHA256 of `v0:{timestamp}:{body}`); unused in Socket Mode. */
  readonly signingSecret: string;
  /** xapp-…, Socket Mode only. */
  readonly appToken?: string | undefined;
  /** Slack's Web API base, `https://slack.com/api/`; tests point it at a local fake. */
  readonly apiUrl: string;
  /** HTTP mode's listening port, used when `start()` is called without one. */
  readonly port?: number;
  /**
   * HTTP mode only: extra GET routes on the same port, unsigned (Slack never calls them). Render health-checks
   * the public port, so `/healthz` must answer there. Socket Mode has no HTTP server of its own.
   */
  readonly routes?: readonly HttpRoute[];
}

/** Where Slack sends commands and interactions in HTTP mode (the manifest's URLs end with it). */
export const EVENTS_PATH = '/slack/events';

/** Builds the Bolt app for the configured mode, with signature verification on, and checks the bot token. */
export async function createSlackApp(settings: SlackAppSettings, deps: SlackBotDeps): Promise<App> {
  const common = {
    token: settings.botToken,
    logger: slackLogger(deps.log),
    // The default policy retries for half an hour; at start-up and for a reply, a quick failure is better.
    clientOptions: { slackApiUrl: settings.apiUrl, retryConfig: { retries: 2 } },
    deferInitialization: true,
  };
  const app =
    settings.mode === 'socket'
      ? new App({ ...common, socketMode: true, appToken: settings.appToken })
      : new App({ ...common, receiver: httpReceiver(settings, common.logger) });
  attachSlackBot(app, deps);
  // auth.test with the bot token: a wrong or revoked token fails here, at start-up, not on the first command.
  await app.init();
  return app;
}

/** HTTP mode's receiver: Bolt's, with signature verification on and Slack's timestamp window in front. */
function httpReceiver(settings: SlackAppSettings, logger: ReturnType<typeof slackLogger>): HTTPReceiver {
  const receiver = new HTTPReceiver({
    signingSecret: settings.signingSecret,
    signatureVerification: true,
    endpoints: EVENTS_PATH,
    port: settings.port,
    customRoutes: (settings.routes ?? []).map(({ path, handler }) => ({ path, method: 'GET', handler })),
    // Answer Slack as soon as ack() runs; enqueueing happens after, outside the 3-second window.
    processBeforeResponse: false,
    logger,
  });
  receiver.requestListener = rejectUntimelyRequests(receiver.requestListener, EVENTS_PATH);
  return receiver;
}
