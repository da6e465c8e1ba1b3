/**
 * The `reindex` queue's consumer: one job at a time, embedding the catalog and switching the live index
 * (db/reindex.ts). Progress goes to `job.updateProgress`; a full run's cursor is written into the job after
 * every page, so a worker killed mid-run resumes where it was instead of starting over.
 */
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { isMoodError, MoodErrorCode } from '../core/errors.ts';
import { formatModelRef } from '../core/models.ts';
import type { Embedder } from '../core/ports.ts';
import type { Database } from '../db/database.ts';
import { ReindexBusyError, reindex } from '../db/reindex.ts';
import { retryDelayFrom } from './backoff.ts';
import { QUEUES, type ReindexFailureCode, type ReindexJobResult, StoredReindexJobData } from './jobs.ts';
import { cancelKey } from './reindex-queue.ts';

export interface ReindexWorkerOptions {
  readonly connection: Redis;
  readonly db: Database;
  readonly embedder: Embedder;
  readonly embedderFor: (model: string, dimensions: number) => Embedder | undefined;
  readonly log: Logger;
  readonly prefix: string;
  readonly batchSize?: number;
  readonly concurrency?: number;
  readonly lockMs?: number;
  readonly buildMemoryBytes?: number;
  /** OPERATOR_IDS: a job is run only for one of them, whoever put it in Redis. */
  readonly operators: ReadonlySet<string>;
}

export function createReindexWorker(options: ReindexWorkerOptions): Worker<unknown, ReindexJobResult> {
  const { connection, db, log, prefix } = options;

  const process = async (job: Job<unknown, ReindexJobResult>): Promise<ReindexJobResult> => {
    const parsed = StoredReindexJobData.safeParse(job.data);
    if (!parsed.success) {
      log.warn(
        { jobId: job.id, issues: parsed.error.issues.map((i) => i.path.join('.')) },
        'malformed re-index job',
      );
      throw failure('Malformed');
    }
    const data = parsed.data;
    // The bots check this before they enqueue; anything that can write to Redis can enqueue too.
    const requester = `${data.requestedBy.platform}:${data.requestedBy.userId}`;
    if (!options.operators.has(requester)) {
      log.warn({ jobId: job.id, requester }, 're-index job from someone who is not an operator: dropped');
      throw failure('NotOperator');
    }
    const embedder = data.model
      ? options.embedderFor(formatModelRef(data.model), data.model.dimensions)
      : options.embedder;
    if (!embedder) {
      log.warn(
        { jobId: job.id, model: data.model },
        'this worker cannot embed with the model (OPENAI_API_KEY?)',
      );
      throw failure('CannotEmbed');
    }
    const jobLog = log.child({ jobId: job.id, model: embedder.model, full: data.full });
    jobLog.info({ by: data.requestedBy, startAfter: data.startAfter }, 're-index started');

    let lastReport = 0;
    try {
      const outcome = await reindex(db, embedder, {
        full: data.full,
        startAfter: data.startAfter,
        batchSize: options.batchSize,
        concurrency: options.concurrency,
        buildMemoryBytes: options.buildMemoryBytes,
        shouldStop: async () => (await connection.get(cancelKey(prefix))) !== null,
        onProgress: async (progress) => {
          if (data.full) await job.updateData({ ...data, startAfter: progress.cursor });
          // Progress events are throttled: a 12M-song run would otherwise send thousands per minute.
          if (progress.phase !== 'embedding' || Date.now() - lastReport > 1_000) {
            lastReport = Date.now();
            await job.updateProgress({ ...progress });
          }
        },
      });
      await connection.del(cancelKey(prefix));
      if (outcome.status === 'cancelled') {
        jobLog.info({ embedded: outcome.embedded }, 're-index cancelled; live index unchanged');
        return outcome;
      }
      jobLog.info(
        { embedded: outcome.embedded, plan: outcome.plan, indexBytes: outcome.indexBytes },
        're-index switched the live model',
      );
      return {
        status: 'switched',
        model: outcome.model,
        embedded: outcome.embedded,
        index: outcome.plan.kind,
        indexBytes: outcome.indexBytes,
        seconds: Math.round(outcome.embedSeconds + outcome.indexSeconds),
      };
    } catch (error) {
      if (error instanceof ReindexBusyError) {
        jobLog.warn('another re-index holds the lock; this one is dropped');
        throw failure('Busy');
      }
      jobLog.error({ err: error }, 're-index failed; live index unchanged');
      // BullMQ shows its message as the job's failedReason: the code, which status turns into words.
      const code = failureCode(error);
      throw code === 'ModelRejected' ? failure(code) : new Error(code, { cause: error });
    }
  };

  const worker = new Worker<unknown, ReindexJobResult>(QUEUES.reindex, process, {
    connection,
    prefix,
    concurrency: 1,
    lockDuration: options.lockMs ?? 60_000,
    // The reindex queue's jobs retry with RETRY_BACKOFF: a re-index is long, so its retries start at 30 s.
    settings: { backoffStrategy: retryDelayFrom(REINDEX_RETRY_DELAY_MS) },
    stalledInterval: Math.max(1_000, Math.floor((options.lockMs ?? 60_000) / 2)),
  });
  // Without a listener BullMQ prints its errors with console.error, past the logger and its redaction.
  worker.on('error', (error) => log.error({ err: error }, 'reindex worker error'));
  return worker;
}

/** The first retry of a failed re-index waits this long; each later one doubles it. */
const REINDEX_RETRY_DELAY_MS = 30_000;

/** A failure no retry can fix: BullMQ fails the job at once, with the code as its reason. */
function failure(code: ReindexFailureCode): UnrecoverableError {
  return new UnrecoverableError(code);
}

function failureCode(error: unknown): ReindexFailureCode {
  if (isMoodError(error, MoodErrorCode.EmbeddingUnavailable)) return 'EmbeddingUnavailable';
  if (isMoodError(error, MoodErrorCode.ModelRejected)) return 'ModelRejected';
  return 'Unexpected';
}
