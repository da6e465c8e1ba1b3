/** The `reindex` queue as the admin commands see it: start (one at a time), status, cancel. */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ReindexProgress } from '../db/reindex.ts';
import {
  QUEUES,
  type ReindexJobData,
  type ReindexJobResult,
  ReindexJobData as ReindexJobSchema,
} from './jobs.ts';
import { quietConnectionErrors } from './redis.ts';
import { redisKeys } from './redis-keys.ts';

export interface ReindexStatus {
  readonly state: 'idle' | 'waiting' | 'running';
  readonly model?: string;
  readonly progress?: ReindexProgress;
  readonly last?: { finishedAt: number; result?: ReindexJobResult; failedReason?: string };
}

export interface ReindexQueue {
  start(data: ReindexJobData): Promise<'enqueued' | 'busy'>;
  status(): Promise<ReindexStatus>;
  /** Asks the running re-index to stop after its current page; the live index stays as it is. */
  cancel(): Promise<boolean>;
  close(): Promise<void>;
}

export const cancelKey = (prefix: string) => redisKeys(prefix).reindexCancel();

export function createReindexQueue(connection: Redis, prefix: string): ReindexQueue {
  const queue = quietConnectionErrors(
    new Queue<ReindexJobData, ReindexJobResult>(QUEUES.reindex, {
      connection,
      prefix,
      defaultJobOptions: {
        attempts: 3,
        backoff: { type: 'exponential', delay: 30_000 },
        removeOnComplete: { count: 20 },
        removeOnFail: { count: 20 },
      },
    }),
  );
  return {
    async start(data) {
      const valid = ReindexJobSchema.parse(data);
      const counts = await queue.getJobCounts('active', 'waiting', 'delayed', 'prioritized');
      if (Object.values(counts).some((n) => n > 0)) return 'busy';
      await connection.del(cancelKey(prefix));
      await queue.add('reindex', valid, { jobId: `reindex-${Date.now()}` });
      return 'enqueued';
    },
    async status() {
      // Waiting, then active, then finished: the order a job moves in, so one that moves between two reads
      // is seen at its next state instead of being missed (and a started re-index never reads as idle).
      const [waiting] = await queue.getJobs(['waiting', 'delayed', 'prioritized'], 0, 0);
      if (waiting) return { state: 'waiting', model: waiting.data.model };
      const [active] = await queue.getJobs(['active'], 0, 0);
      if (active) {
        return {
          state: 'running',
          model: active.data.model,
          progress: active.progress as ReindexProgress | undefined,
        };
      }
      const finished = [
        ...(await queue.getJobs(['completed'], 0, 0)),
        ...(await queue.getJobs(['failed'], 0, 0)),
      ].sort((a, b) => (b.finishedOn ?? 0) - (a.finishedOn ?? 0))[0];
      return finished
        ? {
            state: 'idle',
            model: finished.data.model,
            last: {
              finishedAt: finished.finishedOn ?? 0,
              result: finished.returnvalue ?? undefined,
              failedReason: finished.failedReason,
            },
          }
        : { state: 'idle' };
    },
    async cancel() {
      const counts = await queue.getJobCounts('active', 'waiting', 'delayed');
      if (!Object.values(counts).some((n) => n > 0)) return false;
      await connection.set(cancelKey(prefix), '1', 'EX', 24 * 3600);
      for (const job of await queue.getJobs(['waiting', 'delayed'])) await job.remove();
      return true;
    },
    close: () => queue.close(),
  };
}
