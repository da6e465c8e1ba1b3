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
  SlackViewMiddlewareArgs,
} from '@slack/bolt';
import type { Logger } from 'pino';
import { z } from 'zod';
import { moodProblem, parseMood } from '../../core/mood-text.ts';
import {
  ADMISSION_MESSAGES,
  createMoodAdmission,
  limitMessage,
  type MoodAdmission,
  type MoodAsk,
  type MoodSubmission,
  voteText,
} from '../../workers/admission.ts';
import { createSlackAdmin } from './admin.ts';
import type { SlackBotDeps } from './app.ts';
import { ACTION_ID_PATTERN, HELP, parseButton, parseMoodCommand, REFINE_VIEW } from './commands.ts';
import { decodeSlackEntities } from './entities.ts';
import { mrkdwnText, refineView } from './render.ts';

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
    .array(
      z.object({
        action_id: z.string().max(255),
        value: z.string().max(2000).optional(),
        /** A static select's pick. */
        selected_option: z.object({ value: z.string().max(150) }).optional(),
      }),
    )
    .min(1),
  /** The message the button is on: a refine or a swap edits it. */
  container: z.object({ message_ts: z.string().max(32).optional() }).optional(),
});

/** What the refine modal carries from the click to its submission (Slack's private_metadata, ≤ 3,000). */
const RefineMetadata = z.object({
  playlistId: z.string().regex(/^[\w-]{1,32}$/),
  responseUrl,
  channelId: slackId,
  messageTs: z
    .string()
    .regex(/^\d{1,12}\.\d{1,8}$/)
    .optional(),
  /** When the click came: the response_url's 30 minutes count from it. */
  clickedAt: z.number().int().positive(),
});

/** The fields of a `view_submission` of the refine modal this adapter relies on. */
const ViewSubmission = z.object({
  type: z.literal('view_submission'),
  user: z.object({ id: slackId, team_id: slackId.optional() }),
  team: z.object({ id: slackId }).nullish(),
  trigger_id: triggerId.optional(),
  view: z.object({
    id: z.string().max(64),
    hash: z.string().max(128).optional(),
    private_metadata: z.string().max(3000),
    state: z.object({
      values: z.record(z.string(), z.record(z.string(), z.object({ value: z.string().max(4000).nullish() }))),
    }),
  }),
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
  app.view(REFINE_VIEW.callbackId, (args) => onRefine(args, moods, deps.log));
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
  { body, ack, respond, client }: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs,
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
  const button = action && parseButton(action.action_id, action.selected_option?.value ?? action.value);
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
  const { control, playlistId } = button;
  const messageTs = b.container?.message_ts;
  let ask: MoodAsk;
  switch (control) {
    case 'take':
    case 'like':
      ask = { origin: 'button', action: control, playlistId };
      break;
    case 'swap':
      if (!button.songId) return;
      ask = { origin: 'swap', playlistId, songId: button.songId };
      break;
    case 'up':
    case 'down': {
      const verdict = await moods.submitVote({
        platform: 'slack',
        userId: b.user.id,
        groupId: teamId,
        playlistId,
        vote: control,
      });
      return void (await respond(note(voteText(verdict, control))).catch(() => {}));
    }
    case 'refine': {
      const state = await moods.canFollow(playlistId);
      if (state !== 'open')
        return void (await respond(note(state === 'stale' ? MESSAGES.stale : MESSAGES.busy)));
      const metadata: z.infer<typeof RefineMetadata> = {
        playlistId,
        responseUrl: b.response_url,
        channelId: b.channel.id,
        ...(messageTs && /^\d{1,12}\.\d{1,8}$/.test(messageTs) ? { messageTs } : {}),
        clickedAt: delivery.receivedAt,
      };
      // The trigger_id opens a modal within 3 seconds of the click, once.
      await client.views
        .open({ trigger_id: b.trigger_id, view: refineView(JSON.stringify(metadata)) })
        .catch(async (error: unknown) => {
          log.warn({ err: error }, 'refine modal could not be opened');
          await respond(note(MESSAGES.busy)).catch(() => {});
        });
      return;
    }
  }
  // The click is acknowledged already: the admission's acknowledgement has nothing left to do.
  const verdict = await moods.submitMood(submission(delivery, ask, messageTs), async () => {});
  switch (verdict.status) {
    case 'limited':
      return void (await respond(note(limitMessage(verdict, 'workspace'))));
    case 'stale':
      return void (await respond(note(verdict.reason === 'notShown' ? MESSAGES.notShown : MESSAGES.stale)));
    case 'unavailable':
      return void (await respond(note(MESSAGES.busy)).catch(() => {}));
    case 'queued':
    case 'unacknowledged':
      return;
  }
}

/** The refine modal submitted: closed at once (Slack's 3 seconds), then the refined playlist is a job. */
async function onRefine(
  { body, ack, client }: SlackViewMiddlewareArgs & AllMiddlewareArgs,
  moods: MoodAdmission,
  log: Logger,
): Promise<void> {
  const payload = ViewSubmission.safeParse(body);
  const metadata = payload.success ? safeJson(payload.data.view.private_metadata, RefineMetadata) : undefined;
  if (!payload.success || !metadata) {
    await ack();
    log.warn({}, 'unreadable refine submission');
    return;
  }
  const v = payload.data;
  const raw = v.view.state.values[REFINE_VIEW.blockId]?.[REFINE_VIEW.actionId]?.value ?? '';
  const parsed = parseMood(decodeSlackEntities(raw));
  if (!parsed.ok) {
    // Shown under the field, and the modal stays open for another try.
    await ack({ response_action: 'errors', errors: { [REFINE_VIEW.blockId]: moodProblem(parsed) } });
    return;
  }
  await ack();
  const teamId = v.team?.id ?? v.user.team_id;
  if (!teamId) return;
  const delivery: Delivery = {
    triggerId: v.trigger_id ?? `${v.view.id}-${v.view.hash ?? ''}`,
    userId: v.user.id,
    teamId,
    channelId: metadata.channelId,
    responseUrl: metadata.responseUrl,
    receivedAt: metadata.clickedAt,
  };
  const verdict = await moods.submitMood(
    submission(
      delivery,
      { origin: 'refine', playlistId: metadata.playlistId, text: parsed.text },
      metadata.messageTs,
    ),
    async () => {},
  );
  if (verdict.status === 'queued' || verdict.status === 'unacknowledged') return;
  // The modal is closed: whatever went wrong is said beside the playlist, to the requester alone.
  const text =
    verdict.status === 'limited'
      ? limitMessage(verdict, 'workspace')
      : verdict.status === 'stale'
        ? MESSAGES.stale
        : MESSAGES.busy;
  await client.chat
    .postEphemeral({ channel: metadata.channelId, user: v.user.id, text: mrkdwnText(text, 500) })
    .catch((error: unknown) => log.warn({ err: error }, 'refine refusal not delivered'));
}

function safeJson<T>(text: string, schema: z.ZodType<T>): T | undefined {
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One command or click as the admission sees it. The per-user budget is keyed by team and user (one person
 * may use several workspaces); the trigger_id is unique per command or click and the same in every
 * redelivery of it, so it is both the delivery claim and the job id.
 */
function submission(delivery: Delivery, ask: MoodAsk, messageTs?: string): MoodSubmission {
  // A refine or a swap edits the playlist it came from (its ts: chat.update's way when the URL is spent).
  const update =
    (ask.origin === 'refine' || ask.origin === 'swap') && messageTs ? { update: { messageTs } } : {};
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
      ...update,
    },
    ask,
  };
}
