/**
 * The Slack listeners: `/mood` and the playlist buttons become `mood` jobs through the one admission path
 * (workers/admission.ts). A command is acknowledged within Slack's 3-second window with an ephemeral
 * "brewing…" note, then enqueued; the worker answers through the command's response_url. They translate
 * Slack's payloads and render the verdicts; they never touch the database or the models. `/mood-admin`
 * (admin.ts) starts, watches and cancels re-index jobs.
 */
import type {
  AllMiddlewareArgs,
  App,
  BlockAction,
  RespondArguments,
  SlackActionMiddlewareArgs,
  SlackCommandMiddlewareArgs,
} from '@slack/bolt';
import type { Logger } from 'pino';
import { z } from 'zod';
import {
  ADMISSION_MESSAGES,
  createMoodAdmission,
  limitMessage,
  type MoodAdmission,
  type MoodAsk,
  type MoodSubmission,
} from '../../workers/admission.ts';
import { createSlackAdmin } from './admin.ts';
import type { SlackBotDeps } from './app.ts';
import { ACTION_ID_PATTERN, HELP, parseButton, parseMoodCommand } from './commands.ts';
import { decodeSlackEntities } from './entities.ts';
import { mrkdwnText } from './render.ts';

export const MESSAGES = {
  ...ADMISSION_MESSAGES,
  groupCap: (s: number) => ADMISSION_MESSAGES.groupCap(s, 'workspace'),
  brewing: (mood: string) => `:hourglass_flowing_sand: Brewing a playlist for “${mrkdwnText(mood, 200)}”…`,
  unreadable: 'Slack sent something I could not read. Please try again.',
} as const;

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
  readonly receivedAt: number;
}

const ephemeral = (text: string): RespondArguments => ({ response_type: 'ephemeral', text });
/** An ephemeral note that leaves the message it answers in place (a public playlist must stay). */
const note = (text: string): RespondArguments => ({
  response_type: 'ephemeral',
  replace_original: false,
  text,
});

export function attachSlackBot(app: App, deps: SlackBotDeps): void {
  const moods = createMoodAdmission(deps, deps.log);
  app.command('/mood', (args) => onMood(args, moods, deps.log));
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
    onButton(args, moods, deps.log),
  );
  app.error(async (error) => {
    deps.log.error({ code: error.code, err: error }, 'slack listener failed');
  });
}

async function onMood(
  { command, ack, respond, context }: SlackCommandMiddlewareArgs & AllMiddlewareArgs,
  moods: MoodAdmission,
  log: Logger,
): Promise<void> {
  const payload = CommandPayload.safeParse(command);
  if (!payload.success) {
    log.warn({ issues: payload.error.issues.map((i) => i.path.join('.')) }, 'unreadable slash command');
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
    receivedAt: Date.now(),
  };
  log.debug({ retryNum: context.retryNum ?? 0 }, 'slash command');
  const verdict = await moods.submitMood(
    submission(delivery, {
      origin: 'command',
      mood: parsed.mood,
      size: parsed.size,
      ephemeral: parsed.ephemeral,
    }),
    () => ack(ephemeral(MESSAGES.brewing(parsed.mood))),
  );
  // Before the ack a refusal is the ack itself; after it, a reply replacing the "brewing…" note.
  switch (verdict.status) {
    case 'limited':
      return ack(ephemeral(limitMessage(verdict, 'workspace')));
    case 'unavailable':
      if (!verdict.acknowledged) return ack(ephemeral(MESSAGES.busy));
      await respond({ response_type: 'ephemeral', replace_original: true, text: MESSAGES.busy }).catch(
        () => {},
      );
      return;
    case 'stale':
    case 'queued':
    case 'unacknowledged':
      return;
  }
}

async function onButton(
  { body, ack, respond }: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs,
  moods: MoodAdmission,
  log: Logger,
): Promise<void> {
  // Slack wants the click acknowledged within 3 s; the new take arrives through the action's response_url.
  await ack();
  const payload = ButtonPayload.safeParse(body);
  if (!payload.success) {
    log.warn({ issues: payload.error.issues.map((i) => i.path.join('.')) }, 'unreadable block action');
    return;
  }
  const b = payload.data;
  const action = b.actions[0];
  const button = action && parseButton(action.action_id, action.value);
  const teamId = b.team?.id ?? b.user.team_id;
  if (!button || !teamId) return;

  const delivery: Delivery = {
    triggerId: b.trigger_id,
    userId: b.user.id,
    teamId,
    channelId: b.channel.id,
    responseUrl: b.response_url,
    receivedAt: Date.now(),
  };
  // The click is acknowledged already: the admission's acknowledgement has nothing left to do.
  const verdict = await moods.submitMood(
    submission(delivery, { origin: 'button', ...button }),
    async () => {},
  );
  switch (verdict.status) {
    case 'limited':
      return void (await respond(note(limitMessage(verdict, 'workspace'))));
    case 'stale':
      return void (await respond(note(MESSAGES.stale)));
    case 'unavailable':
      return void (await respond(note(MESSAGES.busy)).catch(() => {}));
    case 'queued':
    case 'unacknowledged':
      return;
  }
}

/**
 * One command or click as the admission sees it. The per-user budget is keyed by team and user (one person
 * may use several workspaces); the trigger_id is unique per command or click and the same in every
 * redelivery of it, so it is both the delivery claim and the job id.
 */
function submission(delivery: Delivery, ask: MoodAsk): MoodSubmission {
  return {
    interactionKey: delivery.triggerId,
    userId: delivery.userId,
    limitKey: `${delivery.teamId}-${delivery.userId}`,
    groupId: delivery.teamId,
    requestedAt: delivery.receivedAt,
    target: {
      platform: 'slack',
      responseUrl: delivery.responseUrl,
      teamId: delivery.teamId,
      channelId: delivery.channelId,
      userId: delivery.userId,
    },
    ask,
  };
}
