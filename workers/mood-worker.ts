/**
 * The `mood` queue's consumer: validates the job, runs the recommendation core and answers through the
 * platform's responder. Retryable failures (a model hiccup) are retried with backoff; the last attempt and
 * every permanent failure end in one friendly message to the user, never a stack trace.
 */
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { isMoodError, userMessage } from '../core/errors.ts';
import type { Recommender } from '../core/recommend.ts';
import { MoodJobData, type MoodJobResult, QUEUES } from './jobs.ts';
import type { Metrics } from './metrics.ts';
import type { PlaylistContexts } from './playlist-context.ts';
import type { Responder, Responders } from './responder.ts';

export interface MoodWorkerOptions {
  readonly connection: Redis;
  readonly recommender: Recommender;
  readonly responders: Responders;
  readonly contexts: PlaylistContexts;
  readonly concurrency: number;
  readonly lockMs: number;
  readonly log: Logger;
  readonly prefix?: string;
  readonly metrics?: Metrics;
}

export function createMoodWorker(options: MoodWorkerOptions): Worker<unknown, MoodJobResult> {
  const { recommender, responders, contexts, log } = options;

  const process = async (job: Job<unknown, MoodJobResult>): Promise<MoodJobResult> => {
    const jobLog = log.child({ jobId: job.id, attempt: job.attemptsMade + 1 });
    const parsed = MoodJobData.safeParse(job.data);
    if (!parsed.success) {
      // Never log the payload: it may hold an interaction token or a response_url.
      jobLog.warn({ issues: parsed.error.issues.map((i) => i.path.join('.')) }, 'malformed mood job dropped');
      throw new UnrecoverableError('malformed mood job');
    }
    const data = parsed.data;
    const responder = responders[data.target.platform] as Responder | undefined;
    if (!responder) throw new UnrecoverableError(`no responder for ${data.target.platform}`);
    if (Date.now() > responder.deadline(data.target, data.requestedAt)) {
      jobLog.info({ platform: data.target.platform }, 'reply window closed; job not attempted');
      return { status: 'expired' };
    }

    let playlist: Awaited<ReturnType<Recommender['recommend']>>;
    try {
      playlist = await recommender.recommend({
        text: data.mood,
        size: data.size,
        seed: data.seed,
        excludeSongIds: data.excludeSongIds,
        likeSongIds: data.likeSongIds,
      });
    } catch (error) {
      const retryable = isMoodError(error) ? error.retryable : true;
      const attemptsLeft = job.attemptsMade + 1 < (job.opts.attempts ?? 1);
      jobLog.warn(
        { code: isMoodError(error) ? error.code : 'Unexpected', retryable, attemptsLeft, msg: String(error) },
        'recommendation failed',
      );
      if (retryable && attemptsLeft) throw error;
      await responder.fail(data.target, userMessage(error));
      return { status: 'failed', code: isMoodError(error) ? error.code : 'Unexpected' };
    }

    const playlistId = await contexts.save({
      mood: data.mood,
      size: data.size,
      songIds: [...(data.excludeSongIds ?? []), ...playlist.tracks.map((t) => t.songId)].slice(-400),
      ephemeral: data.target.ephemeral,
    });
    // Delivery edits the one deferred reply, so a retry after a crash replaces it rather than adding one.
    await responder.deliver(data.target, { playlist, playlistId });
    options.metrics?.stageTimings(playlist.timings);
    jobLog.info({ tracks: playlist.tracks.length, timings: playlist.timings }, 'playlist delivered');
    return {
      status: 'delivered',
      playlistId,
      tracks: playlist.tracks.length,
      totalMs: playlist.timings.total ?? 0,
    };
  };

  const measured = async (job: Job<unknown, MoodJobResult>) => {
    try {
      const result = await process(job);
      options.metrics?.jobFinished(QUEUES.mood, result.status);
      return result;
    } catch (error) {
      options.metrics?.jobFinished(QUEUES.mood, 'error');
      throw error;
    }
  };

  const worker = new Worker<unknown, MoodJobResult>(QUEUES.mood, measured, {
    connection: options.connection,
    prefix: options.prefix,
    concurrency: options.concurrency,
    lockDuration: options.lockMs,
    stalledInterval: Math.max(1_000, Math.floor(options.lockMs / 2)),
    maxStalledCount: 2,
  });
  worker.on('failed', (job, error) => {
    log.warn({ jobId: job?.id, attempts: job?.attemptsMade, err: error.message }, 'mood job failed');
  });
  worker.on('error', (error) => log.error({ err: error.message }, 'worker error'));
  return worker;
}
