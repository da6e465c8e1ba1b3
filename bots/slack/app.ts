/**
 * The Slack adapter: `/mood` and the playlist buttons become `mood` jobs. A command is acknowledged within
 * Slack's 3-second window with an ephemeral "brewing…" note, then enqueued; the worker answers through the
 * command's response_url. It never touches the database or the models. `/mood-admin` (admin.ts) starts,
 * watches and cancels re-index jobs.
 *
 * Socket Mode (an outbound WebSocket, no public URL: laptops, private networks) or HTTP mode (Slack POSTs to
 * `/slack/events`: Render and other hosts with a public URL) is a configuration switch; the listeners are the same.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type {
  AllMiddlewareArgs,
  BlockAction,
  RespondArguments,
  RespondFn,
  SlackActionMiddlewareArgs,
  SlackCommandMiddlewareArgs,
} from '@slack/bolt';
import { App, HTTPReceiver } from '@slack/bolt';
import type { Logger } from 'pino';
import { z } from 'zod';
import { type MoodJobData, moodJobId } from '../../workers/jobs.ts';
import type { DeliveryGuard, RequestLimits, RequestOrigin } from '../../workers/limits.ts';
import type { MoodQueue } from '../../workers/mood-queue.ts';
import { followUpRequest, type PlaylistContexts } from '../../workers/playlist-context.ts';
import { createSlackAdmin, type SlackAdminDeps } from './admin.ts';
import { ACTION_ID_PATTERN, HELP, parseButton, parseMoodCommand } from './commands.ts';
import { decodeSlackEntities } from './entities.ts';
import { slackLogger } from './log.ts';
import { mrkdwnText } from './render.ts';
import { rejectUntimelyRequests } from './request-age.ts';

export interface SlackBotDeps {
  readonly queue: MoodQueue;
  readonly limits: RequestLimits;
  /** Remembers which trigger_ids were seen, so a redelivery is not charged to the cooldown again. */
  readonly deliveries: DeliveryGuard;
  readonly contexts: PlaylistContexts;
  readonly log: Logger;
  /** `/mood-admin`: absent, the command answers that administration is not available here. */
  readonly admin?: SlackAdminDeps;
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

export const MESSAGES = {
  brewing: (mood: string) => `:hourglass_flowing_sand: Brewing a playlist for “${mrkdwnText(mood, 200)}”…`,
  cooldown: (s: number) => `You're brewing playlists fast! Try again in ${s} s.`,
  groupCap: (s: number) =>
    `This workspace has used its playlists for this hour. Try again in ${Math.ceil(s / 60)} min.`,
  busy: 'Sonic Mood is busy right now and could not take your request. Please try again in a minute.',
  stale: 'That playlist is too old for this button. Run /mood again!',
  unreadable: 'Slack sent something I could not read. Please try again.',
  admin: 'Admin commands are not available in this deployment.',
} as const;

type Request = Omit<MoodJobData, 'v' | 'userId' | 'groupId' | 'requestedAt' | 'target'>;

const slackId = z.string().min(1).max(32);
const responseUrl = z.url({ protocol: /^https?$/ });
/** Unique per command or click; the job id derives from it. Slack's look like `13345224609.738474920.8088…`. */
const triggerId = z.string().regex(/^[\w.-]{1,200}$/);

/** The fields of Slack's slash command payload this adapter relies on. */
const CommandPayload = z.object({
  // Slack sends `&`, `<` and `>` as entities: decoded here, once, so nothing downstream escapes them twice.
  text: z.string().max(8000).transform(decodeSlackEntities),
  user_id: slackId,
  team_id: slackId,
  channel_id: slackId,
  response_url: responseUrl,
  trigger_id: triggerId,
});

/** The fields of a `block_actions` payload this adapter relies on. */
const ButtonPayload = z.object({
  type: z.literal('block_actions'),
  user: z.object({ id: slackId, team_id: slackId.optional() }),
  team: z.object({ id: slackId }).nullish(),
  channel: z.object({ id: slackId }),
  response_url: responseUrl,
  trigger_id: triggerId,
  actions: z
    .array(z.object({ action_id: z.string().max(255), value: z.string().max(2000).optional() }))
    .min(1),
});

/** One command or click, reduced to what a job needs. */
interface Delivery {
  readonly triggerId: string;
  readonly userId: string;
  readonly teamId: string;
  readonly channelId: string;
  readonly responseUrl: string;
  /** Slack's `X-Slack-Retry-Num` (HTTP) or `retry_attempt` (Socket Mode), for the logs. */
  readonly retryNum: number;
  readonly receivedAt: number;
}

const ephemeral = (text: string): RespondArguments => ({ response_type: 'ephemeral', text });
/** An ephemeral note that leaves the message it answers in place (a public playlist must stay). */
const note = (text: string): RespondArguments => ({
  response_type: 'ephemeral',
  replace_original: false,
  text,
});

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

export function attachSlackBot(app: App, deps: SlackBotDeps): void {
  app.command('/mood', (args) => onMood(args, deps));
  const admin = deps.admin && createSlackAdmin({ ...deps.admin, log: deps.log, deliveries: deps.deliveries });
  app.command('/mood-admin', async ({ command, ack, respond }) => {
    // Still acknowledged without admin deps, so Slack shows no "dispatch failed".
    if (!admin) return ack(ephemeral(MESSAGES.admin));
    const payload = CommandPayload.safeParse(command);
    if (!payload.success) {
      deps.log.warn(
        { issues: payload.error.issues.map((i) => i.path.join('.')) },
        'unreadable slash command',
      );
      return ack(ephemeral(MESSAGES.unreadable));
    }
    const c = payload.data;
    await admin({
      text: c.text,
      userId: c.user_id,
      teamId: c.team_id,
      triggerId: c.trigger_id,
      ack: (message) => ack(message),
      respond,
    });
  });
  app.action<BlockAction>({ type: 'block_actions', action_id: ACTION_ID_PATTERN }, (args) =>
    onButton(args, deps),
  );
  app.error(async (error) => {
    deps.log.error({ code: error.code, err: error.message }, 'slack listener failed');
  });
}

async function onMood(
  { command, ack, respond, context }: SlackCommandMiddlewareArgs & AllMiddlewareArgs,
  deps: SlackBotDeps,
): Promise<void> {
  const payload = CommandPayload.safeParse(command);
  if (!payload.success) {
    deps.log.warn({ issues: payload.error.issues.map((i) => i.path.join('.')) }, 'unreadable slash command');
    await ack(ephemeral(MESSAGES.unreadable));
    return;
  }
  const c = payload.data;
  const parsed = parseMoodCommand(c.text);
  if (parsed.kind === 'help') return ack(ephemeral(HELP));
  if (parsed.kind === 'invalid') return ack(ephemeral(parsed.message));

  const delivery: Delivery = {
    triggerId: c.trigger_id,
    userId: c.user_id,
    teamId: c.team_id,
    channelId: c.channel_id,
    responseUrl: c.response_url,
    retryNum: context.retryNum ?? 0,
    receivedAt: Date.now(),
  };
  const refusal = await refusalFor(delivery, 'command', deps);
  if (refusal) return ack(ephemeral(refusal));
  await ack(ephemeral(MESSAGES.brewing(parsed.mood)));
  await enqueue(delivery, parsed.ephemeral, { kind: 'mood', mood: parsed.mood, size: parsed.size }, deps, {
    respond,
    replaceOriginal: true,
  });
}

async function onButton(
  { body, ack, respond, context }: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs,
  deps: SlackBotDeps,
): Promise<void> {
  // Slack wants the click acknowledged within 3 s; the new take arrives through the action's response_url.
  await ack();
  const payload = ButtonPayload.safeParse(body);
  if (!payload.success) {
    deps.log.warn({ issues: payload.error.issues.map((i) => i.path.join('.')) }, 'unreadable block action');
    return;
  }
  const b = payload.data;
  const action = b.actions[0];
  const button = action && parseButton(action.action_id, action.value);
  const teamId = b.team?.id ?? b.user.team_id;
  if (!button || !teamId) return;

  let shown: Awaited<ReturnType<PlaylistContexts['load']>>;
  try {
    shown = await deps.contexts.load(button.playlistId);
  } catch (error) {
    deps.log.error({ err: String(error) }, 'playlist context unavailable');
    await respond(note(MESSAGES.busy)).catch(() => {});
    return;
  }
  if (!shown) {
    await respond(note(MESSAGES.stale));
    return;
  }
  const delivery: Delivery = {
    triggerId: b.trigger_id,
    userId: b.user.id,
    teamId,
    channelId: b.channel.id,
    responseUrl: b.response_url,
    retryNum: context.retryNum ?? 0,
    receivedAt: Date.now(),
  };
  const refusal = await refusalFor(delivery, 'button', deps);
  if (refusal) {
    await respond(note(refusal));
    return;
  }
  const request: Request = followUpRequest(button.action, shown);
  await enqueue(delivery, shown.ephemeral, request, deps, { respond, replaceOriginal: false });
}

/**
 * The per-user cooldown (keyed by team and user: one person may use several workspaces) and the per-team
 * hourly cap, charged once per trigger_id. Slack redelivers a command whose ack was slow or lost
 * (`X-Slack-Retry-Num`); the redelivery is not charged again, or it would be answered "try again in 9 s".
 * It is not dropped either: the first delivery may have died before enqueueing, and the job id (from the
 * same trigger_id) already makes a second enqueue of a stored job a no-op.
 */
async function refusalFor(
  delivery: Delivery,
  origin: RequestOrigin,
  deps: SlackBotDeps,
): Promise<string | undefined> {
  const first = await deps.deliveries.claim('slack', delivery.triggerId).catch(() => true);
  if (!first) return undefined;
  const verdict = await deps.limits
    .consume({
      platform: 'slack',
      userId: `${delivery.teamId}-${delivery.userId}`,
      groupId: delivery.teamId,
      origin,
    })
    .catch((error: unknown) => {
      // Limits are a courtesy: if Redis cannot count, the enqueue will say whether Redis is there at all.
      deps.log.warn({ err: String(error) }, 'rate limit check failed');
      return { ok: true } as const;
    });
  if (verdict.ok) return undefined;
  return verdict.scope === 'user'
    ? MESSAGES.cooldown(verdict.retryAfterSeconds)
    : MESSAGES.groupCap(verdict.retryAfterSeconds);
}

async function enqueue(
  delivery: Delivery,
  isPrivate: boolean,
  request: Request,
  deps: SlackBotDeps,
  reply: { respond: RespondFn; replaceOriginal: boolean },
): Promise<void> {
  const target = {
    platform: 'slack' as const,
    responseUrl: delivery.responseUrl,
    teamId: delivery.teamId,
    channelId: delivery.channelId,
    userId: delivery.userId,
    ephemeral: isPrivate,
  };
  // The trigger_id is unique per command or click and identical in every redelivery of it.
  const jobId = moodJobId(target, delivery.triggerId);
  const log = deps.log.child({ jobId, kind: request.kind, team: delivery.teamId });
  try {
    const outcome = await deps.queue.enqueue(jobId, {
      v: 1,
      ...request,
      userId: delivery.userId,
      groupId: delivery.teamId,
      requestedAt: delivery.receivedAt,
      target,
    });
    log.info({ outcome, retryNum: delivery.retryNum }, 'mood request queued');
  } catch (error) {
    log.error({ err: String(error) }, 'enqueue failed');
    await reply
      .respond({ response_type: 'ephemeral', replace_original: reply.replaceOriginal, text: MESSAGES.busy })
      .catch(() => {});
  }
}
