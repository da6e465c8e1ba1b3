/**
 * The `daily` queue's consumer: a channel's mood of the day, brewed by the same core as `/mood` (songs the
 * channel got in the last 7 days left out, the server's 👍/👎 applied) and posted as a new channel message
 * with the bot's own credentials. BullMQ makes one job per scheduler iteration, whichever worker takes it,
 * and the reply record around the post (reply-records.ts) keeps a re-run from posting the day twice. A channel
 * the bot lost ends its schedule, once.
 */
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { isMoodError, MoodErrorCode } from '../core/errors.ts';
import type { Recommender } from '../core/recommend.ts';
import { createDailyRecent, DailyJobData, type DailySchedules } from './daily.ts';
import { feedbackGroup } from './feedback.ts';
import { QUEUES } from './jobs.ts';
import type { Metrics } from './metrics.ts';
import { type PlaylistContexts, shownPlaylist } from './playlist-context.ts';
import { redisKeys } from './redis-keys.ts';
import { createReplyRecords, type DeliveredResult, deliveredResult, recordedPost } from './reply-records.ts';
import { ChannelLost, type ChannelPosters } from './responder.ts';

export interface DailyWorkerOptions {
  readonly connection: Redis;
  readonly recommender: Recommender;
  readonly posters: ChannelPosters;
  readonly contexts: PlaylistContexts;
  readonly schedules: DailySchedules;
  readonly log: Logger;
  readonly prefix: string;
  readonly metrics?: Metrics;
}

export type DailyJobResult =
  | DeliveredResult
  | { readonly status: 'undelivered'; readonly reason: string }
  | { readonly status: 'unconfirmed' };

export function createDailyWorker(options: DailyWorkerOptions): Worker<unknown, DailyJobResult> {
  const { recommender, posters, contexts, schedules, log } = options;
  const keys = redisKeys(options.prefix);
  const replies = createReplyRecords(options.connection, keys);
  const recent = createDailyRecent(options.connection, keys);

  const process = async (job: Job<unknown, DailyJobResult>): Promise<DailyJobResult> => {
    const parsed = DailyJobData.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError('malformed daily job');
    const data = parsed.data;
    const channel = { platform: data.platform, channelId: data.channelId };
    const jobLog = log.child({ jobId: job.id, ...channel });
    const poster = posters[data.platform];
    if (!poster) throw new UnrecoverableError(`no channel poster for ${data.platform}`);
    const jobId = job.id ?? '';

    const earlier = await replies.read(jobId);
    if (earlier?.state === 'posted') return earlier.result;
    // A new channel message each time: after an attempt whose post may have landed, none is made.
    if (earlier?.state === 'posting') {
      jobLog.warn('an earlier attempt may have posted the day’s playlist; not posting a second one');
      return { status: 'unconfirmed' };
    }

    const request = {
      text: data.mood,
      size: data.size,
      groupId: feedbackGroup(data.platform, data.groupId, data.setBy),
    };
    const lately = await recent.recent(channel);
    // A small catalog can run out of songs the week has not had: then repeats are better than no post.
    const playlist = await recommender
      .recommend({ ...request, excludeSongIds: lately })
      .catch((error: unknown) => {
        const exhausted =
          isMoodError(error, MoodErrorCode.NoMatches) || isMoodError(error, MoodErrorCode.CatalogEmpty);
        if (lately.length > 0 && exhausted) return recommender.recommend(request);
        throw error;
      });
    const songIds = playlist.tracks.map((t) => t.songId);
    const playlistId = await contexts.save({
      mood: data.mood,
      size: data.size,
      songIds,
      ephemeral: false,
      requesterId: data.setBy,
      shown: shownPlaylist(playlist),
    });
    let result: DeliveredResult;
    try {
      result = await recordedPost(
        replies,
        jobId,
        () => poster.post(data.channelId, { playlist, playlistId }),
        deliveredResult(playlist, playlistId),
      );
    } catch (error) {
      if (error instanceof ChannelLost) {
        await schedules.lost(channel, data.mood, error.reason);
        jobLog.warn({ reason: error.reason }, 'mood of the day stopped: the bot lost the channel');
        return { status: 'undelivered', reason: error.reason };
      }
      throw error;
    }
    await recent.add(channel, songIds);
    jobLog.info({ tracks: result.tracks }, 'mood of the day posted');
    return result;
  };

  const worker = new Worker<unknown, DailyJobResult>(
    QUEUES.daily,
    async (job) => {
      try {
        const result = await process(job);
        options.metrics?.jobFinished(QUEUES.daily, result.status);
        return result;
      } catch (error) {
        options.metrics?.jobFinished(QUEUES.daily, 'error');
        throw error;
      }
    },
    { connection: options.connection, prefix: options.prefix, concurrency: 1 },
  );
  worker.on('failed', (job, error) => log.warn({ jobId: job?.id, err: error }, 'daily job failed'));
  worker.on('error', (error) => log.error({ err: error }, 'daily worker error'));
  return worker;
}
