/**
 * The Slack listeners: `/mood` and the playlist buttons become `mood` jobs through the one admission path
 * (workers/admission.ts). A command is acknowledged within Slack's 3-second window with an ephemeral
 * "brewing…" note, then enqueued; the worker answers through the command's response_url. They translate
 * Slack's payloads and render the verdicts; they never touch the database or the models. The playlist's
 * controls are playlist-controls.ts's; `/mood-admin` (admin.ts) starts, watches and cancels re-index jobs.
 */
import type { AllMiddlewareArgs, App, BlockAction, SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { Logger } from 'pino';
import { z } from 'zod';
import { createMoodAdmission, limitMessage, type MoodAdmission } from '../../workers/admission.ts';
import { createSlackAdmin } from './admin.ts';
import type { SlackBotDeps } from './app.ts';
import { ACTION_ID_PATTERN, HELP, parseMoodCommand, REFINE_VIEW } from './commands.ts';
import { createDailyListener } from './daily.ts';
import {
  type Delivery,
  ephemeral,
  MESSAGES,
  responseUrl,
  slackId,
  submission,
  triggerId,
} from './delivery.ts';
import { decodeSlackEntities } from './entities.ts';
import { onButton, onRefine } from './playlist-controls.ts';

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
  app.view(REFINE_VIEW.callbackId, (args) => onRefine(args, moods, deps.log));
  const daily = deps.daily && createDailyListener(deps.daily, deps.log);
  app.command('/mood-daily', async (args) => {
    if (!daily) return args.ack(ephemeral('The mood of the day is not available in this deployment.'));
    await daily(args);
  });
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
