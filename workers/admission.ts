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

import { type FeedbackStore, feedbackGroup, type Vote } from './feedback.ts';
import type { MoodJobData, Platform, ReplyTarget } from './jobs.ts';
import { moodJobId } from './jobs.ts';
import type { DeliveryGuard, RequestLimits } from './limits.ts';
import type { MoodQueue } from './mood-queue.ts';
import {
  type FollowUp,
  followUpRequest,
  type PlaylistContext,
  type PlaylistContexts,
  refineRequest,
} from './playlist-context.ts';

/** How many songs a user may ask for, on every platform. */
export const MOOD_SIZE = { min: 5, max: 25, default: 10 } as const;

/** The words every platform answers an admission with; each platform renders them in its markup. */
export const ADMISSION_MESSAGES = {
  cooldown: (s: number) => `You're brewing playlists fast! Try again in ${s} s.`,
  /** `group` is what the platform calls it: a Discord "server", a Slack "workspace". */
  groupCap: (s: number, group: string) =>
    `This ${group} has used its playlists for this hour. Try again in ${Math.ceil(s / 60)} min.`,
  busy: 'Sonic Mood is busy right now and could not take your request. Please try again in a minute.',
  stale: 'That playlist is too old for this button. Run /mood again!',
  notShown: 'That song is no longer in this playlist.',
  voted: (vote: Vote) =>
    vote === 'up'
      ? 'Thanks! Songs like these will keep coming here.'
      : 'Thanks! These songs will come up less here.',
  alreadyVoted: 'You already said so about this playlist.',
  admin: 'Admin commands are not available in this deployment.',
} as const;

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
  | { readonly status: 'stale'; readonly reason: 'expired' | 'notShown' }
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

/** A 👍 / 👎 press on a playlist. */
export interface VoteSubmission {
  readonly platform: Platform;
  readonly userId: string;
  readonly groupId: string | null;
  readonly playlistId: string;
  readonly vote: Vote;
}

export type VoteVerdict =
  | { readonly status: 'recorded'; readonly changed: boolean }
  | { readonly status: 'stale' }
  | { readonly status: 'unavailable' };

export interface MoodAdmission {
  submitMood(submission: MoodSubmission, acknowledge: Acknowledge): Promise<MoodVerdict>;
  /** A 👍 / 👎: recorded at once (no job), once per member and playlist. */
  submitVote(submission: VoteSubmission): Promise<VoteVerdict>;
  /** Whether a playlist can still be refined: checked before its modal opens, so nobody types in vain. */
  canFollow(playlistId: string): Promise<'open' | 'stale' | 'unavailable'>;
}

export function createMoodAdmission(deps: MoodAdmissionDeps, log: AdmissionLog): MoodAdmission {
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
        if (!context) return { status: 'stale', reason: 'expired' };
        const followed = followedRequest(ask, context);
        if (!followed) return { status: 'stale', reason: 'notShown' };
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

    async submitVote({ platform, userId, groupId, playlistId, vote }) {
      if (!deps.feedback) return { status: 'unavailable' };
      try {
        const context = await deps.contexts.load(playlistId);
        if (!context?.shown) return { status: 'stale' };
        const changed = await deps.feedback.record({
          group: feedbackGroup(platform, groupId, userId),
          userId,
          playlistId,
          songIds: context.shown.tracks.map((t) => t.songId),
          vote,
        });
        if (changed) deps.onVote?.(platform, vote);
        log.info({ playlistId, vote, changed }, 'playlist vote');
        return { status: 'recorded', changed };
      } catch (error) {
        log.error({ playlistId, err: error }, 'vote not recorded');
        return { status: 'unavailable' };
      }
    },

    async canFollow(playlistId) {
      try {
        return (await deps.contexts.load(playlistId)) ? 'open' : 'stale';
      } catch (error) {
        log.error({ playlistId, err: error }, 'playlist context unavailable');
        return 'unavailable';
      }
    },
  };
}

/** The job a press on a shown playlist asks for; undefined for a swap of a song the playlist does not hold. */
function followedRequest(ask: Exclude<MoodAsk, { origin: 'command' }>, context: PlaylistContext) {
  switch (ask.origin) {
    case 'button':
      return followUpRequest(ask.action, context);
    case 'refine':
      return refineRequest(context, ask.text);
    case 'swap': {
      if (!context.shown?.tracks.some((t) => t.songId === ask.songId)) return undefined;
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

/** What a 👍 / 👎 press is told, privately, on every platform. */
export function voteText(verdict: VoteVerdict, vote: Vote): string {
  switch (verdict.status) {
    case 'recorded':
      return verdict.changed ? ADMISSION_MESSAGES.voted(vote) : ADMISSION_MESSAGES.alreadyVoted;
    case 'stale':
      return ADMISSION_MESSAGES.stale;
    case 'unavailable':
      return ADMISSION_MESSAGES.busy;
  }
}

/** The text a refusal shows, for platforms whose only difference is what they call a group. */
export function limitMessage(verdict: { scope: 'user' | 'group'; retryAfterSeconds: number }, group: string) {
  return verdict.scope === 'user'
    ? ADMISSION_MESSAGES.cooldown(verdict.retryAfterSeconds)
    : ADMISSION_MESSAGES.groupCap(verdict.retryAfterSeconds, group);
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
