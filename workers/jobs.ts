/**
 * Queue names and job payloads. Payloads are plain JSON validated with zod on both sides: the producer
 * (a bot) and the consumer (a worker) may run different versions, and anyone with Redis access can push.
 */
import { z } from 'zod';
import { MAX_MOOD_LENGTH } from '../core/mood-text.ts';

export const QUEUES = { mood: 'mood', reindex: 'reindex' } as const;

const snowflake = z.string().regex(/^\d{15,22}$/);
const songId = z.string().regex(/^\d{1,19}$/);

export const DiscordTarget = z.object({
  platform: z.literal('discord'),
  applicationId: snowflake,
  interactionId: snowflake,
  /** The interaction token: a credential for 15 minutes. Never logged. */
  token: z.string().min(20).max(500),
  ephemeral: z.boolean(),
});

export const SlackTarget = z.object({
  platform: z.literal('slack'),
  /** Slack's response_url for this command or action: 30 minutes, 5 uses. Never logged. */
  responseUrl: z.url({ protocol: /^https?$/ }),
  teamId: z.string().min(1).max(32),
  channelId: z.string().min(1).max(32),
  userId: z.string().min(1).max(32),
  ephemeral: z.boolean(),
});

export const ReplyTarget = z.discriminatedUnion('platform', [DiscordTarget, SlackTarget]);
export type ReplyTarget = z.infer<typeof ReplyTarget>;
export type Platform = ReplyTarget['platform'];

export const MoodJobData = z.object({
  v: z.literal(1),
  /** `mood`: a new request; `another`: a new take on a shown playlist; `similar`: more like its songs. */
  kind: z.enum(['mood', 'another', 'similar']),
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
  userId: z.string().min(1).max(32),
  /** Discord guild or Slack team, for the per-group cap; null in DMs. */
  groupId: z.string().min(1).max(32).nullable(),
  /** When the platform created the interaction (epoch ms): its reply window counts from here. */
  requestedAt: z.number().int().positive(),
  target: ReplyTarget,
});
export type MoodJobData = z.infer<typeof MoodJobData>;

export type MoodJobResult =
  | { status: 'delivered'; playlistId: string; tracks: number; totalMs: number }
  | { status: 'failed'; code: string }
  /** Past the reply window: not attempted; the requester was told if the platform still allowed it. */
  | { status: 'expired' }
  /** The platform refused the playlist for good (an expired token, a channel closed to the bot). */
  | { status: 'undelivered'; reason: string }
  /** An earlier attempt died or timed out mid-post; posting again would risk a second public message. */
  | { status: 'unconfirmed' };

/** A retried delivery of the same interaction maps to the same job id, so it is not a second playlist. */
export function moodJobId(target: ReplyTarget, interactionKey: string): string {
  // BullMQ 6.7 refuses integer-looking custom ids and ids with one colon (only the legacy three-part
  // repeatable form may hold colons), so a dash joins the platform prefix that keeps id spaces apart.
  return `${target.platform}-${interactionKey}`;
}

export const ReindexJobData = z.object({
  v: z.literal(1),
  /** The model to index, as recorded (`local:…`, `openai:<model>@<dims>`); absent = the configured one. */
  model: z.string().min(1).max(200).optional(),
  dimensions: z.number().int().min(1).max(4000).optional(),
  full: z.boolean(),
  requestedBy: z.object({ platform: z.enum(['discord', 'slack', 'cli']), userId: z.string().min(1).max(40) }),
  /** Where a full run got to; written back after every page so a restarted job resumes there. */
  startAfter: z
    .string()
    .regex(/^-?\d{1,19}$/)
    .optional(),
});
export type ReindexJobData = z.infer<typeof ReindexJobData>;

export type ReindexJobResult =
  | {
      status: 'switched';
      model: string;
      embedded: number;
      index: string;
      indexBytes: number;
      seconds: number;
    }
  | { status: 'cancelled'; model: string; embedded: number };
