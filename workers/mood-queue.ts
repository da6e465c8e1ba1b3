/** The producer side of the `mood` queue, used by the bots. */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { RETRY_BACKOFF } from './backoff.ts';
import { type MoodJobData, MoodJobData as MoodJobSchema, QUEUES } from './jobs.ts';
import { quietConnectionErrors } from './redis.ts';

export interface MoodQueueOptions {
  readonly attempts: number;
  /** BullMQ key prefix; tests use their own to stay apart. */
  readonly prefix?: string;
}

export interface MoodQueue {
  /**
   * Adds the job unless one with this id is already known (kept an hour after it completes): BullMQ adds one
   * job per id atomically, so two deliveries of one interaction racing each other still make one job.
   */
  enqueue(jobId: string, data: MoodJobData): Promise<void>;
  depth(): Promise<number>;
  close(): Promise<void>;
}

export const MOOD_JOB_DEFAULTS = {
  // Exponential from 2 s, or a model API's Retry-After when longer (backoff.ts; the worker runs it).
  backoff: RETRY_BACKOFF,
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
  // Under a burst the adds of one event-loop turn go out as one addBulk (one MULTI) instead of a round trip
  // each, so a bot's CPU goes to answering interactions within the platform's 3 seconds. BullMQ adds each job
  // of the bulk with the same one-job-per-id rule as `add`.
  let batch: { jobId: string; data: MoodJobData; settle: (error?: unknown) => void }[] = [];
  const flush = () => {
    const jobs = batch;
    batch = [];
    queue.addBulk(jobs.map(({ jobId, data }) => ({ name: data.kind, data, opts: { jobId } }))).then(
      () => {
        for (const job of jobs) job.settle();
      },
      (error: unknown) => {
        for (const job of jobs) job.settle(error ?? new Error('enqueue failed'));
      },
    );
  };
  return {
    async enqueue(jobId, data) {
      // Validate on the way in too: a bug in a bot must fail here, loudly, not in a worker later.
      const valid = MoodJobSchema.parse(data);
      await new Promise<void>((resolve, reject) => {
        if (batch.length === 0) setImmediate(flush);
        batch.push({
          jobId,
          data: valid,
          settle: (error) => (error === undefined ? resolve() : reject(error)),
        });
      });
    },
    async depth() {
      return queue.count();
    },
    close: () => queue.close(),
  };
}
