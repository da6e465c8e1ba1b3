/**
 * Queue names and job payloads. Payloads are plain JSON validated with zod on both sides: the producer
 * (a bot) and the consumer (a worker) may run different versions, and anyone with Redis access can push.
 */
import { z } from 'zod';
import { MoodErrorCode } from '../core/errors.ts';
import { ModelRef, parseModelRef } from '../core/models.ts';
import { MAX_MOOD_LENGTH } from '../core/mood-text.ts';
import { RefinementSchema } from '../core/refinement.ts';
import { PLATFORMS, type Platform } from '../core/types.ts';
import { ReindexProgress } from '../db/reindex.ts';

export type { Platform };

export const QUEUES = { mood: 'mood', reindex: 'reindex', daily: 'daily' } as const;

const snowflake = z.string().regex(/^\d{15,22}$/);
const songId = z.string().regex(/^\d{1,19}$/);

export const DiscordTarget = z.object({
  platform: z.literal('discord' satisfies Platform),
  applicationId: snowflake,
  interactionId: snowflake,
  /** The interaction token: a credential for 15 minutes. Never logged. */
  token: z.string().min(20).max(500),
  ephemeral: z.boolean(),
  /** The reply edits the message whose component was used (a refine, a swap) instead of a new reply. */
  update: z.boolean().optional(),
});

export const SlackTarget = z.object({
  platform: z.literal('slack' satisfies Platform),
  /** Slack's response_url for this command or action: 30 minutes, 5 uses. Never logged. */
  responseUrl: z.url({ protocol: /^https?$/ }),
  teamId: z.string().min(1).max(32),
  channelId: z.string().min(1).max(32),
  userId: z.string().min(1).max(32),
  ephemeral: z.boolean(),
  /** From a playlist's control: the response_url's "original" is that playlist, not a "brewing…" note. */
  component: z.boolean().optional(),
  /** The reply replaces the message whose component was used (its ts: chat.update's fallback). */
  update: z.object({ messageTs: z.string().regex(/^\d{1,12}\.\d{1,8}$/) }).optional(),
});

export const ReplyTarget = z.discriminatedUnion('platform', [DiscordTarget, SlackTarget]);
export type ReplyTarget = z.infer<typeof ReplyTarget>;

export const MoodJobData = z
  .object({
    v: z.literal(1),
    /**
     * `mood`: a new request; `another`: a new take on a shown playlist; `similar`: more like its songs;
     * `refine`: the shown playlist again under the user's follow-up constraints; `swap`: one of its songs
     * replaced (`swap`) by the next best that meets the same constraints.
     */
    kind: z.enum(['mood', 'another', 'similar', 'refine', 'swap']),
    mood: z
      .string()
      .trim()
      .min(1)
      .max(MAX_MOOD_LENGTH * 2),
    size: z.number().int().min(1).max(25),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .optional(),
    excludeSongIds: z.array(songId).max(500).optional(),
    likeSongIds: z.array(songId).max(25).optional(),
    /** The constraints of every refine so far on this playlist (they carry over to its other buttons). */
    refinement: RefinementSchema.optional(),
    /** For `swap`: the shown playlist (its stored context) and the song to replace in it. */
    swap: z.object({ playlistId: z.string().regex(/^[\w-]{1,32}$/), songId }).optional(),
    /** Songs shown so far in this playlist's line that the request does not exclude (a refine may keep them). */
    seenSongIds: z.array(songId).max(500).optional(),
    userId: z.string().min(1).max(32),
    /** Discord guild or Slack team, for the per-group cap; null in DMs. */
    groupId: z.string().min(1).max(32).nullable(),
    /** When the platform created the interaction (epoch ms): its reply window counts from here. */
    requestedAt: z.number().int().positive(),
    target: ReplyTarget,
  })
  .refine((job) => (job.kind === 'swap') === (job.swap !== undefined), {
    message: 'a swap names the playlist and the song, and only a swap does',
    path: ['swap'],
  });
export type MoodJobData = z.infer<typeof MoodJobData>;

/** Why a mood job ended without a playlist: the `MoodError` code, or `Unexpected` for anything else. */
export const MoodFailureCode = z.enum([...Object.values(MoodErrorCode), 'Unexpected']);
export type MoodFailureCode = z.infer<typeof MoodFailureCode>;

/** What a mood job returns (BullMQ stores it as the job's return value). */
export const MoodJobResult = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('delivered'),
    playlistId: z.string(),
    tracks: z.number().int().nonnegative(),
    totalMs: z.number().nonnegative(),
  }),
  z.object({ status: z.literal('failed'), code: MoodFailureCode }),
  /** Past the reply window: not attempted; the requester was told if the platform still allowed it. */
  z.object({ status: z.literal('expired') }),
  /** The platform refused the playlist for good (an expired token, a channel closed to the bot). */
  z.object({ status: z.literal('undelivered'), reason: z.string() }),
  /** An earlier attempt died or timed out mid-post; posting again would risk a second public message. */
  z.object({ status: z.literal('unconfirmed') }),
]);
export type MoodJobResult = z.infer<typeof MoodJobResult>;

/** A retried delivery of the same interaction maps to the same job id, so it is not a second playlist. */
export function moodJobId(target: Pick<ReplyTarget, 'platform'>, interactionKey: string): string {
  // BullMQ 6.7 refuses integer-looking custom ids and ids with one colon (only the legacy three-part
  // repeatable form may hold colons), so a dash joins the platform prefix that keeps id spaces apart.
  return `${target.platform}-${interactionKey}`;
}

const Requester = z.object({
  /** `cli` for a job a script enqueued (OPERATOR_IDS `cli:<name>`). */
  platform: z.enum([...PLATFORMS, 'cli']),
  userId: z.string().min(1).max(40),
});
/** Where a full run got to; written back after every page so a restarted job resumes there. */
const Cursor = z
  .string()
  .regex(/^-?\d{1,19}$/)
  .optional();

export const ReindexJobData = z.object({
  v: z.literal(2),
  /** The model to index; absent = the worker's configured embedder. */
  model: ModelRef.optional(),
  full: z.boolean(),
  requestedBy: Requester,
  startAfter: Cursor,
});
export type ReindexJobData = z.infer<typeof ReindexJobData>;

/**
 * A job queued before the model became a `ModelRef` (v1: the recorded name, and a `dimensions` beside it that
 * could disagree with the name's). Read once, during a deploy; an unreadable name fails the job as malformed.
 */
const LegacyReindexJobData = z
  .object({
    v: z.literal(1),
    model: z.string().min(1).max(200).optional(),
    dimensions: z.number().int().min(1).max(4000).optional(),
    full: z.boolean(),
    requestedBy: Requester,
    startAfter: Cursor,
  })
  .transform(({ model, dimensions, ...rest }, ctx): ReindexJobData => {
    if (model === undefined) return { ...rest, v: 2 };
    const size = dimensions ?? Number(model.slice(model.lastIndexOf('@') + 1));
    const ref = parseModelRef(model, size);
    if (!ref) {
      ctx.addIssue({ code: 'custom', message: 'the model name and dimensions disagree' });
      return z.NEVER;
    }
    return { ...rest, v: 2, model: ref };
  });

/** What a worker accepts from Redis: the current payload, or a v1 one rewritten as it. */
export const StoredReindexJobData = z.union([ReindexJobData, LegacyReindexJobData]);

export { ReindexProgress };

export const ReindexJobResult = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('switched'),
    model: z.string(),
    embedded: z.number().int().nonnegative(),
    index: z.string(),
    indexBytes: z.number().nonnegative(),
    seconds: z.number().nonnegative(),
  }),
  z.object({ status: z.literal('cancelled'), model: z.string(), embedded: z.number().int().nonnegative() }),
]);
export type ReindexJobResult = z.infer<typeof ReindexJobResult>;

/**
 * Why a re-index failed, as the worker records it (the job's `failedReason`). Only the code is stored: the
 * error itself (a pg connection string, a model API's body) goes to the worker's log, never to a chat.
 */
export const ReindexFailureCode = z.enum([
  /** The job came from someone not in OPERATOR_IDS. */
  'NotOperator',
  /** This worker has no embedder for the model (an `openai` model without OPENAI_API_KEY). */
  'CannotEmbed',
  /** Another re-index holds the database's lock. */
  'Busy',
  'EmbeddingUnavailable',
  'ModelRejected',
  /** The payload did not validate. */
  'Malformed',
  /** Anything else: a database error, a worker that died holding the job too often. */
  'Unexpected',
]);
export type ReindexFailureCode = z.infer<typeof ReindexFailureCode>;

/** The stored code of a failed job; a failure BullMQ wrote itself (a stalled job) reads as `Unexpected`. */
export function reindexFailureOf(failedReason: string | undefined): ReindexFailureCode {
  const parsed = ReindexFailureCode.safeParse(failedReason);
  return parsed.success ? parsed.data : 'Unexpected';
}
