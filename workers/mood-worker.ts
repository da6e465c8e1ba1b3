/**
 * The `mood` queue's consumer: validates the job, runs the recommendation core and answers through the
 * platform's responder. Retryable failures (a model hiccup) are retried with backoff; the last attempt and
 * every permanent failure end in one friendly message to the user, never a stack trace.
 *
 * BullMQ runs a job at least once, so the reply is recorded around the post (reply-records.ts): a job that runs
 * again after its playlist was posted does not post it again, and one whose earlier post may have landed
 * (a timeout, a worker killed mid-post) does not post a second public message.
 */
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { isMoodError, userMessage } from '../core/errors.ts';
import type { Recommender } from '../core/recommend.ts';
import { swapWithNext } from '../core/swap.ts';
import type { Playlist } from '../core/types.ts';
import { ADMISSION_MESSAGES } from './admission.ts';
import { RETRY_BACKOFF, retryDelay } from './backoff.ts';
import { feedbackGroup } from './feedback.ts';
import { MoodJobData, type MoodJobResult, QUEUES } from './jobs.ts';
import type { Metrics } from './metrics.ts';
import type { PlaylistContexts } from './playlist-context.ts';
import { shownPlaylist } from './playlist-context.ts';
import { redisKeys } from './redis-keys.ts';
import { createReplyRecords, type DeliveredResult, deliveredResult, recordedPost } from './reply-records.ts';
import { ReplyRefused, type Responder, type Responders } from './responder.ts';

export interface MoodWorkerOptions {
  readonly connection: Redis;
  readonly recommender: Recommender;
  readonly responders: Responders;
  readonly contexts: PlaylistContexts;
  readonly concurrency: number;
  readonly lockMs: number;
  readonly log: Logger;
  /** QUEUE_PREFIX: BullMQ's keys and the reply records alike. */
  readonly prefix: string;
  readonly metrics?: Metrics;
}

/** What a requester whose job waited past its reply window is told, where the platform still lets us. */
export const EXPIRED_MESSAGE =
  'Sorry, Sonic Mood was too busy to brew your playlist in time. Please ask again with /mood.';

export function createMoodWorker(options: MoodWorkerOptions): Worker<unknown, MoodJobResult> {
  const { recommender, responders, contexts, log } = options;
  const replies = createReplyRecords(options.connection, redisKeys(options.prefix));

  /** A failure or expiry notice is best effort: when the platform refuses it for good, nobody is left to tell. */
  const notify = async (send: () => Promise<void>, jobLog: Logger) => {
    try {
      await send();
    } catch (error) {
      if (!(error instanceof ReplyRefused && error.permanent)) throw error;
      jobLog.info({ reason: error.message }, 'notice could not be delivered');
    }
  };

  /**
   * The playlist a job asks for — a new one from the core, or the shown one with one song swapped — and every
   * song shown so far in this playlist's line (its buttons never bring them back).
   */
  const brew = async (data: MoodJobData): Promise<{ playlist: Playlist; seen: string[] }> => {
    const request = {
      text: data.mood,
      size: data.size,
      seed: data.seed,
      excludeSongIds: data.excludeSongIds,
      likeSongIds: data.likeSongIds,
      refinement: data.refinement,
      groupId: feedbackGroup(data.target.platform, data.groupId, data.userId),
    };
    if (data.kind !== 'swap' || !data.swap) {
      const playlist = await recommender.recommend(request);
      const seen = [
        ...(data.excludeSongIds ?? []),
        ...(data.seenSongIds ?? []),
        ...playlist.tracks.map((t) => t.songId),
      ];
      return { playlist, seen: [...new Set(seen)] };
    }
    const context = await contexts.load(data.swap.playlistId);
    if (!context?.shown) throw new NothingToSwap(ADMISSION_MESSAGES.stale);
    const swapped = await swapWithNext(
      recommender,
      request,
      context.shown,
      data.swap.songId,
      context.songIds,
    );
    if (!swapped) throw new NothingToSwap(SWAP_MESSAGES.none);
    return { playlist: swapped.playlist, seen: [...context.songIds, swapped.added.songId] };
  };

  const process = async (job: Job<unknown, MoodJobResult>): Promise<MoodJobResult> => {
    const jobLog = log.child({ jobId: job.id, attempt: job.attemptsMade + 1 });
    const parsed = MoodJobData.safeParse(job.data);
    if (!parsed.success) {
      // Never log the payload: it may hold an interaction token or a response_url.
      jobLog.warn({ issues: parsed.error.issues.map((i) => i.path.join('.')) }, 'malformed mood job dropped');
      throw new UnrecoverableError('malformed mood job');
    }
    const data = parsed.data;
    const jobId = job.id ?? '';
    const responder = responders[data.target.platform] as Responder | undefined;
    if (!responder) throw new UnrecoverableError(`no responder for ${data.target.platform}`);

    const earlier = await replies.read(jobId);
    if (earlier?.state === 'posted') {
      jobLog.info('playlist already posted by an earlier attempt; not posted again');
      return earlier.result;
    }
    if (Date.now() > responder.deadline(data.target, data.requestedAt)) {
      jobLog.info({ platform: data.target.platform }, 'reply window closed; job not attempted');
      await notify(() => responder.fail(data.target, EXPIRED_MESSAGE), jobLog);
      return { status: 'expired' };
    }
    if (earlier?.state === 'posting' && responder.repostDuplicates?.(data.target)) {
      jobLog.warn(
        { postingSince: earlier.since },
        'an earlier attempt may have posted this playlist; not posting a second one',
      );
      return { status: 'unconfirmed' };
    }

    let playlist: Playlist;
    let seen: string[];
    try {
      ({ playlist, seen } = await brew(data));
    } catch (error) {
      if (error instanceof NothingToSwap) {
        await notify(() => responder.fail(data.target, error.message), jobLog);
        return { status: 'failed', code: 'NoMatches' };
      }
      const retryable = isMoodError(error) ? error.retryable : true;
      // A retry the reply window would close on (a long Retry-After) could only end `expired`, after the
      // requester had waited for nothing: they hear now instead.
      const retryAt = Date.now() + retryDelay(job.attemptsMade + 1, RETRY_BACKOFF.type, asError(error));
      const attemptsLeft =
        job.attemptsMade + 1 < (job.opts.attempts ?? 1) &&
        retryAt < responder.deadline(data.target, data.requestedAt);
      jobLog.warn(
        { code: isMoodError(error) ? error.code : 'Unexpected', retryable, attemptsLeft, err: error },
        'recommendation failed',
      );
      if (retryable && attemptsLeft) throw error;
      await notify(() => responder.fail(data.target, userMessage(error)), jobLog);
      return { status: 'failed', code: isMoodError(error) ? error.code : 'Unexpected' };
    }

    const playlistId = await contexts.save({
      mood: data.mood,
      size: data.size,
      songIds: seen.slice(-400),
      ephemeral: data.target.ephemeral,
      ...(data.refinement ? { refinement: data.refinement } : {}),
      requesterId: data.userId,
      shown: shownPlaylist(playlist),
    });
    let result: DeliveredResult;
    try {
      result = await recordedPost(
        replies,
        jobId,
        () => responder.deliver(data.target, { playlist, playlistId }),
        deliveredResult(playlist, playlistId),
      );
    } catch (error) {
      if (!(error instanceof ReplyRefused && error.permanent)) throw error;
      jobLog.warn({ reason: error.message }, 'playlist could not be delivered');
      return { status: 'undelivered', reason: error.message };
    }
    options.metrics?.stageTimings(playlist.timings);
    jobLog.info({ tracks: playlist.tracks.length, timings: playlist.timings }, 'playlist delivered');
    return result;
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
    // The mood queue's jobs retry with RETRY_BACKOFF: their delay is computed here.
    settings: { backoffStrategy: retryDelay },
  });
  worker.on('failed', (job, error) => {
    log.warn({ jobId: job?.id, attempts: job?.attemptsMade, err: error }, 'mood job failed');
  });
  worker.on('error', (error) => log.error({ err: error }, 'worker error'));
  return worker;
}

export const SWAP_MESSAGES = {
  none: 'No other song in the catalog fits this playlist’s mood and filters, so it stays as it is.',
} as const;

/** A swap that cannot be made (the playlist expired, nothing else fits): said once, not retried. */
class NothingToSwap extends Error {}

const asError = (error: unknown): Error | undefined => (error instanceof Error ? error : undefined);
