/** The producer side of the `mood` queue, used by the bots. */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { type MoodJobData, MoodJobData as MoodJobSchema, QUEUES } from './jobs.ts';
import { quietConnectionErrors } from './redis.ts';

export interface MoodQueueOptions {
  readonly attempts: number;
  /** BullMQ key prefix; tests use their own to stay apart. */
  readonly prefix?: string;
}

export interface MoodQueue {
  /** Adds the job unless one with this id is already known; never two playlists for one interaction. */
  enqueue(jobId: string, data: MoodJobData): Promise<'enqueued' | 'duplicate'>;
  depth(): Promise<number>;
  close(): Promise<void>;
}

export const MOOD_JOB_DEFAULTS = {
  backoff: { type: 'exponential', delay: 2_000 },
  // Completed jobs stay an hour: a platform retrying a delivery within that window finds the id taken
  // (an interaction can only be answered for 15 minutes anyway).
  removeOnComplete: { age: 3_600, count: 10_000 },
  removeOnFail: { age: 24 * 3_600, count: 10_000 },
} as const;

export function createMoodQueue(connection: Redis, options: MoodQueueOptions): MoodQueue {
  const queue = quietConnectionErrors(
    new Queue<MoodJobData>(QUEUES.mood, {
      connection,
      prefix: options.prefix,
      defaultJobOptions: { ...MOOD_JOB_DEFAULTS, attempts: options.attempts },
    }),
  );
  return {
    async enqueue(jobId, data) {
      // Validate on the way in too: a bug in a bot must fail here, loudly, not in a worker later.
      const valid = MoodJobSchema.parse(data);
      if (await queue.getJob(jobId)) return 'duplicate';
      await queue.add(valid.kind, valid, { jobId });
      return 'enqueued';
    },
    async depth() {
      return queue.count();
    },
    close: () => queue.close(),
  };
}
