/**
 * The one admission path of a `/mood` request, for every platform and every way a platform delivers it
 * (Discord's gateway or its HTTP interactions endpoint, Slack's Socket Mode or HTTP). A bot translates its
 * payload into a {@link MoodSubmission}, hands over how it acknowledges, and renders the {@link MoodVerdict};
 * the claim, the limits and the enqueue happen here, in this order, once.
 *
 * Repeats: platforms redeliver (Discord on a gateway resume, Slack on a slow ack). The first delivery claims the
 * interaction and is charged to the limits; a repeat is not charged again, is acknowledged like the first
 * (Slack wants every delivery acked; Discord refuses a second acknowledgement, which ends it there), and its
 * enqueue is a no-op: the job id comes from the interaction, and BullMQ adds one job per id atomically.
 */

import { ADMISSION_MESSAGES } from './admission-messages.ts';
import type { FeedbackStore, Vote } from './feedback.ts';
import type { MoodJobData, Platform, ReplyTarget } from './jobs.ts';
import { moodJobId } from './jobs.ts';
import type { DeliveryGuard, RequestLimits } from './limits.ts';
import type { MoodQueue } from './mood-queue.ts';
import {
  type FollowUp,
  followUpRequest,
  type PlaylistContext,
  type PlaylistContexts,
  refinementProblem,
  refineRequest,
} from './playlist-context.ts';
import { createVoteAdmission, type VoteAdmission } from './votes.ts';

export { ADMISSION_MESSAGES, limitMessage } from './admission-messages.ts';

/** How many songs a user may ask for, on every platform. */
export const MOOD_SIZE = { min: 5, max: 25, default: 10 } as const;

/**
 * What the user asked for: a typed mood, a press of a playlist's button, a refine in words (the modal's
 * text) or a swap of one song (the menu's pick). A refine and a swap replace the shown playlist.
 */
export type MoodAsk =
  | { readonly origin: 'command'; readonly mood: string; readonly size: number; readonly ephemeral: boolean }
  | { readonly origin: 'button'; readonly action: FollowUp; readonly playlistId: string }
  | { readonly origin: 'refine'; readonly playlistId: string; readonly text: string }
  | { readonly origin: 'swap'; readonly playlistId: string; readonly songId: string };

type WithoutVisibility<T> = T extends unknown ? Omit<T, 'ephemeral'> : never;

export interface MoodSubmission {
  /** The platform's id of this delivery (Discord interaction id, Slack trigger_id), the same in a redelivery. */
  readonly interactionKey: string;
  readonly userId: string;
  /** Whose per-user budget it spends (Slack: team and user, since one person may use several workspaces). */
  readonly limitKey?: string;
  /** Discord guild or Slack team, for the hourly cap; null in a DM. */
  readonly groupId: string | null;
  /** When the platform created the interaction (epoch ms): the reply window counts from here. */
  readonly requestedAt: number;
  /** Where the worker answers; the visibility comes from the ask (a button's from the playlist it follows). */
  readonly target: WithoutVisibility<ReplyTarget>;
  readonly ask: MoodAsk;
}

/**
 * Acknowledges the request on the platform within its 3 seconds (a deferred reply, a "brewing…" note), with
 * the visibility the playlist will have. Rejects when the platform refuses (already acknowledged).
 */
export type Acknowledge = (ephemeral: boolean) => Promise<void>;

export type MoodVerdict =
  /** Acknowledged and in the queue (or already there: `repeat` says this was a redelivery). */
  | {
      readonly status: 'queued';
      readonly jobId: string;
      readonly ephemeral: boolean;
      readonly repeat: boolean;
    }
  /** Over a budget; not acknowledged, so the refusal can be the platform's first answer. */
  | { readonly status: 'limited'; readonly scope: 'user' | 'group'; readonly retryAfterSeconds: number }
  /** A button whose playlist is no longer stored (or a swap of a song it does not hold); not acknowledged. */
  | { readonly status: 'stale' }
  /** Not for this user or not possible (someone else's playlist, a song it no longer holds); not acknowledged. */
  | { readonly status: 'refused'; readonly message: string }
  /** Redis could not take it. `acknowledged`: the placeholder is up and must be replaced by the apology. */
  | { readonly status: 'unavailable'; readonly acknowledged: false }
  | { readonly status: 'unavailable'; readonly acknowledged: true; readonly ephemeral: boolean }
  /** The platform refused the acknowledgement (another delivery of it got there first): nothing more to do. */
  | { readonly status: 'unacknowledged' };

export interface AdmissionLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface MoodAdmissionDeps {
  readonly queue: MoodQueue;
  readonly limits: RequestLimits;
  readonly deliveries: DeliveryGuard;
  readonly contexts: PlaylistContexts;
  /** 👍 / 👎; without it, votes are not recorded. */
  readonly feedback?: FeedbackStore;
  /** Counts each recorded vote (the bot's /metrics). */
  readonly onVote?: (platform: Platform, vote: Vote) => void;
}

/** Whether a user may open a playlist's refine form: `open`, or the private note that says why not. */
export type FollowCheck =
  | { readonly status: 'open' }
  | { readonly status: 'refused'; readonly message: string };

export interface MoodAdmission {
  submitMood(submission: MoodSubmission, acknowledge: Acknowledge): Promise<MoodVerdict>;
  /** A 👍 / 👎: recorded at once (no job), once per member and playlist (votes.ts). */
  submitVote: VoteAdmission['submitVote'];
  /** Whether a playlist can still be refined: checked before its modal opens, so nobody types in vain. */
  canFollow(playlistId: string, userId: string): Promise<FollowCheck>;
}

export function createMoodAdmission(deps: MoodAdmissionDeps, log: AdmissionLog): MoodAdmission {
  const votes = createVoteAdmission(deps, log);
  return {
    async submitMood(submission, acknowledge) {
      const { target, ask } = submission;
      const platform: Platform = target.platform;
      const jobId = moodJobId(target, submission.interactionKey);
      const where = { jobId, origin: ask.origin };

      let request: Omit<MoodJobData, 'v' | 'userId' | 'groupId' | 'requestedAt' | 'target'>;
      let ephemeral: boolean;
      if (ask.origin === 'command') {
        request = { kind: 'mood', mood: ask.mood, size: ask.size };
        ephemeral = ask.ephemeral;
      } else {
        let context: PlaylistContext | undefined;
        try {
          context = await deps.contexts.load(ask.playlistId);
        } catch (error) {
          log.error({ ...where, err: error }, 'playlist context unavailable');
          return { status: 'unavailable', acknowledged: false };
        }
        if (!context) return { status: 'stale' };
        const followed = followedRequest(ask, context, submission.userId);
        if (typeof followed === 'string') return { status: 'refused', message: followed };
        request = followed;
        ephemeral = context.ephemeral;
      }

      // Without Redis nothing can be claimed: carry on, so the enqueue below tells the user "try again".
      const first = await deps.deliveries
        .claim(platform, submission.interactionKey)
        .catch((error: unknown) => {
          log.warn({ ...where, err: error }, 'delivery claim failed');
          return true;
        });
      if (first) {
        const verdict = await deps.limits
          .consume({
            platform,
            userId: submission.limitKey ?? submission.userId,
            groupId: submission.groupId,
            // A refine or a swap follows a shown playlist, as a button press does: the button budget.
            origin: ask.origin === 'command' ? 'command' : 'button',
          })
          .catch((error: unknown) => {
            // Limits are a courtesy: if Redis cannot count, the enqueue says whether Redis is there at all.
            log.warn({ ...where, err: error }, 'rate limit check failed');
            return { ok: true } as const;
          });
        if (!verdict.ok) {
          return { status: 'limited', scope: verdict.scope, retryAfterSeconds: verdict.retryAfterSeconds };
        }
      } else {
        log.info(where, 'repeated delivery: not charged again');
      }

      try {
        await acknowledge(ephemeral);
      } catch (error) {
        // The message only: a platform client's error may carry the request URL, and with it a reply token.
        log.info({ ...where, reason: errorText(error) }, 'could not acknowledge; not enqueued');
        return { status: 'unacknowledged' };
      }

      try {
        await deps.queue.enqueue(jobId, {
          v: 1,
          ...request,
          userId: submission.userId,
          groupId: submission.groupId,
          requestedAt: submission.requestedAt,
          target: { ...target, ephemeral } as ReplyTarget,
        });
      } catch (error) {
        log.error({ ...where, err: error }, 'enqueue failed');
        return { status: 'unavailable', acknowledged: true, ephemeral };
      }
      log.info({ ...where, repeat: !first }, 'mood request queued');
      return { status: 'queued', jobId, ephemeral, repeat: !first };
    },

    submitVote: (vote) => votes.submitVote(vote),

    async canFollow(playlistId, userId) {
      let context: PlaylistContext | undefined;
      try {
        context = await deps.contexts.load(playlistId);
      } catch (error) {
        log.error({ playlistId, err: error }, 'playlist context unavailable');
        return { status: 'refused', message: ADMISSION_MESSAGES.busy };
      }
      if (!context) return { status: 'refused', message: ADMISSION_MESSAGES.stale };
      return isRequester(context, userId)
        ? { status: 'open' }
        : { status: 'refused', message: ADMISSION_MESSAGES.notYours };
    },
  };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
/**
 * Refine and swap edit the playlist in place, so they are its requester's alone (anyone may take their own
 * Another take or More like this); a context from before requesters were kept is open to all.
 */
function isRequester(context: PlaylistContext, userId: string): boolean {
  return context.requesterId === undefined || context.requesterId === userId;
}

/** The job a press on a shown playlist asks for, or the private note that says why it cannot be. */
function followedRequest(
  ask: Exclude<MoodAsk, { origin: 'command' }>,
  context: PlaylistContext,
  userId: string,
) {
  if (ask.origin !== 'button' && !isRequester(context, userId)) return ADMISSION_MESSAGES.notYours;
  switch (ask.origin) {
    case 'button':
      return followUpRequest(ask.action, context);
    case 'refine':
      return refinementProblem(ask.text) ?? refineRequest(context, ask.text);
    case 'swap': {
      if (!context.shown?.tracks.some((t) => t.songId === ask.songId)) return ADMISSION_MESSAGES.notShown;
      return {
        kind: 'swap' as const,
        mood: context.mood,
        size: context.size,
        ...(context.refinement ? { refinement: context.refinement } : {}),
        swap: { playlistId: ask.playlistId, songId: ask.songId },
      };
    }
  }
}
