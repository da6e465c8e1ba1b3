/**
 * A shown playlist's controls on Slack: Another take and More like this (jobs), Refine… (a modal opened with
 * the click's trigger_id; its submission a job that replaces the playlist), Swap a song… (a static select:
 * the same replacement), 👍 / 👎 (a vote, answered with an ephemeral note). The admission decides; this
 * translates Slack's payloads and renders the verdicts.
 */
import type {
  AllMiddlewareArgs,
  BlockAction,
  SlackActionMiddlewareArgs,
  SlackViewMiddlewareArgs,
} from '@slack/bolt';
import type { Logger } from 'pino';
import { z } from 'zod';
import { moodProblem, parseMood } from '../../core/mood-text.ts';
import { limitMessage, type MoodAdmission, type MoodAsk } from '../../workers/admission.ts';
import { refinementProblem } from '../../workers/playlist-context.ts';
import { voteText } from '../../workers/votes.ts';
import { parseButton, REFINE_VIEW } from './commands.ts';
import { type Delivery, MESSAGES, note, responseUrl, slackId, submission, triggerId } from './delivery.ts';
import { decodeSlackEntities } from './entities.ts';
import { mrkdwnText, refineView } from './render.ts';

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

export async function onButton(
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
      const check = await moods.canFollow(playlistId, b.user.id);
      if (check.status === 'refused') return void (await respond(note(check.message)).catch(() => {}));
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
      return void (await respond(note(limitMessage(verdict, 'workspace'))).catch(() => {}));
    case 'stale':
      return void (await respond(note(MESSAGES.stale)).catch(() => {}));
    case 'refused':
      return void (await respond(note(verdict.message)).catch(() => {}));
    case 'unavailable':
      return void (await respond(note(MESSAGES.busy)).catch(() => {}));
    case 'queued':
    case 'unacknowledged':
      return;
  }
}

/** The refine modal submitted: closed at once (Slack's 3 seconds), then the refined playlist is a job. */
export async function onRefine(
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
  const problem = parsed.ok ? refinementProblem(parsed.text) : moodProblem(parsed);
  if (!parsed.ok || problem) {
    // Shown under the field, and the modal stays open for another try.
    await ack({ response_action: 'errors', errors: { [REFINE_VIEW.blockId]: problem ?? '' } });
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
        : verdict.status === 'refused'
          ? verdict.message
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
