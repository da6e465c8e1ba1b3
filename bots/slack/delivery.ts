/**
 * What every Slack listener shares: the words it answers with, the ids Slack sends (validated), and one command
 * or click reduced to what the admission (workers/admission.ts) needs.
 */
import type { RespondArguments } from '@slack/bolt';
import { z } from 'zod';
import { ADMISSION_MESSAGES, type MoodAsk, type MoodSubmission } from '../../workers/admission.ts';
import { mrkdwnText } from './render.ts';

export const MESSAGES = {
  ...ADMISSION_MESSAGES,
  groupCap: (s: number) => ADMISSION_MESSAGES.groupCap(s, 'workspace'),
  brewing: (mood: string) => `:hourglass_flowing_sand: Brewing a playlist for “${mrkdwnText(mood, 200)}”…`,
  unreadable: 'Slack sent something I could not read. Please try again.',
} as const;

export const slackId = z.string().min(1).max(32);
export const responseUrl = z.url({ protocol: /^https?$/ });
/** Unique per command or click; the job id derives from it. Slack's look like `13345224609.738474920.8088…`. */
export const triggerId = z.string().regex(/^[\w.-]{1,200}$/);

/** One command or click, reduced to what a job needs. */
export interface Delivery {
  readonly triggerId: string;
  readonly userId: string;
  readonly teamId: string;
  readonly channelId: string;
  readonly responseUrl: string;
  readonly receivedAt: number;
}

export const ephemeral = (text: string): RespondArguments => ({ response_type: 'ephemeral', text });
/** An ephemeral note that leaves the message it answers in place (a public playlist must stay). */
export const note = (text: string): RespondArguments => ({
  response_type: 'ephemeral',
  replace_original: false,
  text,
});

/**
 * One command or click as the admission sees it. The per-user budget is keyed by team and user (one person
 * may use several workspaces); the trigger_id is unique per command or click and the same in every
 * redelivery of it, so it is both the delivery claim and the job id.
 */
export function submission(delivery: Delivery, ask: MoodAsk, messageTs?: string): MoodSubmission {
  // A refine or a swap edits the playlist it came from (its ts: chat.update's way when the URL is spent).
  const update =
    (ask.origin === 'refine' || ask.origin === 'swap') && messageTs ? { update: { messageTs } } : {};
  // A control's response_url "original" is the playlist itself, which a failure must not replace.
  const component = ask.origin === 'command' ? {} : { component: true };
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
      ...component,
      ...update,
    },
    ask,
  };
}
