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
import type { Platform, ReplyTarget } from './jobs.ts';
import { moodJobId } from './jobs.ts';
import type { DeliveryGuard, RequestLimits } from './limits.ts';
import type { MoodQueue } from './mood-queue.ts';
import { type FollowUp, followUpRequest, type PlaylistContexts } from './playlist-context.ts';

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
  admin: 'Admin commands are not available in this deployment.',
} as const;

/** What the user asked for: a typed mood, or a press of a playlist's button. */
export type MoodAsk =
  | { readonly origin: 'command'; readonly mood: string; readonly size: number; readonly ephemeral: boolean }
  | { readonly origin: 'button'; readonly action: FollowUp; readonly playlistId: string };

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
  /** A button whose playlist is no longer stored; not acknowledged. */
  | { readonly status: 'stale' }
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
}

export interface MoodAdmission {
  submitMood(submission: MoodSubmission, acknowledge: Acknowledge): Promise<MoodVerdict>;
}

export function createMoodAdmission(deps: MoodAdmissionDeps, log: AdmissionLog): MoodAdmission {
  return {
    async submitMood(submission, acknowledge) {
      const { target, ask } = submission;
      const platform: Platform = target.platform;
      const jobId = moodJobId(target, submission.interactionKey);
      const where = { jobId, origin: ask.origin };

      let request: ReturnType<typeof followUpRequest> | { kind: 'mood'; mood: string; size: number };
      let ephemeral: boolean;
      if (ask.origin === 'button') {
        let context: Awaited<ReturnType<PlaylistContexts['load']>>;
        try {
          context = await deps.contexts.load(ask.playlistId);
        } catch (error) {
          log.error({ ...where, err: error }, 'playlist context unavailable');
          return { status: 'unavailable', acknowledged: false };
        }
        if (!context) return { status: 'stale' };
        request = followUpRequest(ask.action, context);
        ephemeral = context.ephemeral;
      } else {
        request = { kind: 'mood', mood: ask.mood, size: ask.size };
        ephemeral = ask.ephemeral;
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
            origin: ask.origin,
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
  };
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
