/**
 * What became of each mood job's reply, in Redis, so a job that runs again does not answer twice. BullMQ runs
 * a job at least once: a retry after a post that timed out but landed, or a stalled job re-run after its
 * worker died mid-post, would otherwise post the playlist again. The record is written before the post
 * (`posting`: it may have landed) and after it (`posted`, with the job's result).
 */
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { Playlist } from '../core/types.ts';
import type { RedisKeys } from './redis-keys.ts';
import { ReplyRefused } from './responder.ts';

const Delivered = z.object({
  status: z.literal('delivered'),
  playlistId: z.string(),
  tracks: z.number(),
  totalMs: z.number(),
});
export type DeliveredResult = z.infer<typeof Delivered>;

const ReplyRecord = z.discriminatedUnion('state', [
  z.object({ state: z.literal('posting'), since: z.number() }),
  z.object({ state: z.literal('posted'), result: Delivered }),
]);
export type ReplyRecord = z.infer<typeof ReplyRecord>;

/** Outlives every reply window (Discord 15 min, Slack 30) and the hour completed jobs are kept. */
const TTL_SECONDS = 2 * 3600;

export interface ReplyRecords {
  read(jobId: string): Promise<ReplyRecord | undefined>;
  /** Written just before a post starts. */
  posting(jobId: string): Promise<void>;
  posted(jobId: string, result: DeliveredResult): Promise<void>;
  /** The platform answered and posted nothing: a later attempt may post as if this one never happened. */
  forget(jobId: string): Promise<void>;
}

export function createReplyRecords(redis: Redis, keys: RedisKeys): ReplyRecords {
  const write = (jobId: string, record: ReplyRecord) =>
    redis.set(keys.reply(jobId), JSON.stringify(record), 'EX', TTL_SECONDS).then(() => undefined);
  return {
    async read(jobId) {
      const raw = await redis.get(keys.reply(jobId));
      if (raw === null) return undefined;
      let parsed: ReturnType<typeof ReplyRecord.safeParse>;
      try {
        parsed = ReplyRecord.safeParse(JSON.parse(raw));
      } catch {
        // Not JSON (written by something else): as good as no record, so the job answers as a first attempt.
        return undefined;
      }
      return parsed.success ? parsed.data : undefined;
    },
    posting: (jobId) => write(jobId, { state: 'posting', since: Date.now() }),
    posted: (jobId, result) => write(jobId, { state: 'posted', result }),
    forget: (jobId) => redis.del(keys.reply(jobId)).then(() => undefined),
  };
}

/**
 * A post between its two records: `posting` before it; a refusal (the platform answered, nothing landed)
 * clears the record and is rethrown; any other failure leaves `posting`, since the post may have landed;
 * a post that went through is recorded `posted` with its result.
 */
export async function recordedPost(
  replies: ReplyRecords,
  jobId: string,
  post: () => Promise<void>,
  delivered: DeliveredResult,
): Promise<DeliveredResult> {
  await replies.posting(jobId);
  try {
    await post();
  } catch (error) {
    if (error instanceof ReplyRefused) await replies.forget(jobId);
    throw error;
  }
  await replies.posted(jobId, delivered);
  return delivered;
}

/** A posted playlist as a job's result. */
export function deliveredResult(playlist: Playlist, playlistId: string): DeliveredResult {
  return {
    status: 'delivered',
    playlistId,
    tracks: playlist.tracks.length,
    totalMs: playlist.timings.total ?? 0,
  };
}
