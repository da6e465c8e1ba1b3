/** The `reindex` queue as the admin commands see it: start (one at a time), status, cancel. */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { formatModelRef, requestedModel } from '../core/models.ts';
import { RETRY_BACKOFF } from './backoff.ts';
import {
  QUEUES,
  type ReindexFailureCode,
  ReindexJobData,
  ReindexJobResult,
  ReindexProgress,
  reindexFailureOf,
  StoredReindexJobData,
} from './jobs.ts';
import { quietConnectionErrors } from './redis.ts';
import { redisKeys } from './redis-keys.ts';

export interface ReindexStatus {
  readonly state: 'idle' | 'waiting' | 'running';
  /** The recorded name of the model being (or last) indexed; absent = the worker's configured one. */
  readonly model?: string;
  readonly progress?: ReindexProgress;
  /** The last run's outcome, or the code of its failure (its error stays in the worker's log). */
  readonly last?: { finishedAt: number; result?: ReindexJobResult; failure?: ReindexFailureCode };
}

/** A re-index as an operator asks for it: a model by name, or nothing for the configured one. */
export interface ReindexRequest {
  /** An OpenAI-compatible model; `dimensions` defaults to EMBEDDING_DIMENSIONS ({@link requestedModel}). */
  readonly model?: { readonly name: string; readonly dimensions?: number };
  readonly full: boolean;
  readonly requestedBy: ReindexJobData['requestedBy'];
}

export interface ReindexQueue {
  start(request: ReindexRequest): Promise<'enqueued' | 'busy'>;
  status(): Promise<ReindexStatus>;
  /** Asks the running re-index to stop after its current page; the live index stays as it is. */
  cancel(): Promise<boolean>;
  close(): Promise<void>;
}

export interface ReindexQueueOptions {
  readonly prefix: string;
  /** EMBEDDING_DIMENSIONS: the size of a model named without dimensions. */
  readonly models: { readonly embeddingDimensions: number };
}

export const cancelKey = (prefix: string) => redisKeys(prefix).reindexCancel();

export function createReindexQueue(connection: Redis, options: ReindexQueueOptions): ReindexQueue {
  const { prefix } = options;
  const queue = quietConnectionErrors(
    new Queue<ReindexJobData, ReindexJobResult>(QUEUES.reindex, {
      connection,
      prefix,
      defaultJobOptions: {
        attempts: 3,
        // Exponential from 30 s, or the model API's Retry-After when longer (backoff.ts; the worker runs it).
        backoff: RETRY_BACKOFF,
        removeOnComplete: { count: 20 },
        removeOnFail: { count: 20 },
      },
    }),
  );
  return {
    async start(request) {
      // Validated on the way in too: a bad request fails here, to the operator, not later in a worker.
      const data = ReindexJobData.parse({
        v: 2,
        model: request.model && requestedModel(options.models, request.model.name, request.model.dimensions),
        full: request.full,
        requestedBy: request.requestedBy,
      });
      const counts = await queue.getJobCounts('active', 'waiting', 'delayed', 'prioritized');
      if (Object.values(counts).some((n) => n > 0)) return 'busy';
      await connection.del(cancelKey(prefix));
      await queue.add('reindex', data, { jobId: `reindex-${Date.now()}` });
      return 'enqueued';
    },
    async status() {
      // Waiting, then active, then finished: the order a job moves in, so one that moves between two reads
      // is seen at its next state instead of being missed (and a started re-index never reads as idle).
      const [waiting] = await queue.getJobs(['waiting', 'delayed', 'prioritized'], 0, 0);
      if (waiting) return { state: 'waiting', model: modelOf(waiting.data) };
      const [active] = await queue.getJobs(['active'], 0, 0);
      if (active) {
        const progress = ReindexProgress.safeParse(active.progress);
        return {
          state: 'running',
          model: modelOf(active.data),
          ...(progress.success ? { progress: progress.data } : {}),
        };
      }
      const finished = [
        ...(await queue.getJobs(['completed'], 0, 0)),
        ...(await queue.getJobs(['failed'], 0, 0)),
      ].sort((a, b) => (b.finishedOn ?? 0) - (a.finishedOn ?? 0))[0];
      if (!finished) return { state: 'idle' };
      const result = ReindexJobResult.safeParse(finished.returnvalue);
      return {
        state: 'idle',
        model: modelOf(finished.data),
        last: {
          finishedAt: finished.finishedOn ?? 0,
          ...(result.success ? { result: result.data } : {}),
          ...(finished.failedReason ? { failure: reindexFailureOf(finished.failedReason) } : {}),
        },
      };
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

/** The recorded name of a job's model, for the status line; a payload that does not parse names none. */
function modelOf(data: unknown): string | undefined {
  const parsed = StoredReindexJobData.safeParse(data);
  return parsed.success && parsed.data.model ? formatModelRef(parsed.data.model) : undefined;
}
