/**
 * A channel's mood of the day: one BullMQ job scheduler per channel (`daily-<platform>-<channel>`, a cron
 * pattern in the channel's time zone) whose template is the `daily` job. BullMQ keeps schedulers in Redis, so
 * they survive every restart, and makes one job per day however many workers run; the worker (daily-worker.ts)
 * posts it. A scheduler that loses its channel is removed and the reason kept, for `show` to say.
 */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { MAX_MOOD_LENGTH } from '../core/mood-text.ts';
import { PLATFORMS, type Platform } from '../core/types.ts';
import { MOOD_SIZE } from './admission.ts';
import { QUEUES } from './jobs.ts';
import { quietConnectionErrors } from './redis.ts';
import type { RedisKeys } from './redis-keys.ts';

const channelId = z.string().regex(/^[\w-]{1,32}$/);

export const DailyJobData = z.object({
  v: z.literal(1),
  platform: z.enum(PLATFORMS),
  channelId,
  /** Discord guild or Slack team: whose 👍/👎 shape the playlist. */
  groupId: z.string().min(1).max(32).nullable(),
  mood: z.string().trim().min(1).max(MAX_MOOD_LENGTH),
  size: z.number().int().min(MOOD_SIZE.min).max(MOOD_SIZE.max),
  /** `HH:MM`, 24-hour, in `timezone`. */
  time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
  timezone: z.string().min(1).max(64),
  /** Who set it: the playlist's requester (the one who may refine it). */
  setBy: z.string().min(1).max(32),
});
export type DailyJobData = z.infer<typeof DailyJobData>;

export interface DailyChannel {
  readonly platform: Platform;
  readonly channelId: string;
}

export type DailySettings = Omit<DailyJobData, 'v' | 'platform' | 'channelId'>;

export type DailyStatus =
  | { readonly state: 'scheduled'; readonly settings: DailySettings; readonly next: number | undefined }
  | { readonly state: 'stopped'; readonly mood: string; readonly at: number; readonly reason: string }
  | { readonly state: 'none' };

/** How long a channel's posted songs are kept out of its next playlists. */
export const DAILY_REPEAT_WINDOW_MS = 7 * 24 * 3600_000;

/** `HH:MM` (or `H:MM`, `HHMM`, `8am`…) read as a 24-hour `HH:MM`, or undefined. */
export function parseDailyTime(text: string): string | undefined {
  const m = /^\s*(\d{1,2})(?::?(\d{2}))?\s*(am|pm)?\s*$/i.exec(text);
  if (!m) return undefined;
  let hour = Number(m[1]);
  const minute = Number(m[2] ?? 0);
  const half = m[3]?.toLowerCase();
  if (half) {
    if (hour < 1 || hour > 12) return undefined;
    hour = (hour % 12) + (half === 'pm' ? 12 : 0);
  }
  if (hour > 23 || minute > 59) return undefined;
  return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
}

/** An IANA time zone the runtime knows ("Europe/Paris", "UTC"), in its canonical spelling. */
export function canonicalTimeZone(text: string): string | undefined {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: text.trim() }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

export interface DailySchedules {
  /** Creates or replaces the channel's schedule; resolves with its next run (epoch ms). */
  set(channel: DailyChannel, settings: DailySettings): Promise<number | undefined>;
  show(channel: DailyChannel): Promise<DailyStatus>;
  /** True when there was a schedule to stop. */
  stop(channel: DailyChannel): Promise<boolean>;
  /** The channel is gone for the bot: the schedule ends, and `show` says why. */
  lost(channel: DailyChannel, mood: string, reason: string): Promise<void>;
  close(): Promise<void>;
}

export const schedulerId = (channel: DailyChannel) => `daily-${channel.platform}-${channel.channelId}`;

export function createDailySchedules(redis: Redis, keys: RedisKeys): DailySchedules {
  const queue = quietConnectionErrors(
    new Queue<DailyJobData>(QUEUES.daily, { connection: redis, prefix: keys.prefix }),
  );
  const nextRun = async (channel: DailyChannel) => (await queue.getJobScheduler(schedulerId(channel)))?.next;
  return {
    async set(channel, settings) {
      const [hour, minute] = settings.time.split(':').map(Number);
      await queue.upsertJobScheduler(
        schedulerId(channel),
        { pattern: `${minute} ${hour} * * *`, tz: settings.timezone },
        {
          name: 'daily',
          data: { v: 1, platform: channel.platform, channelId: channel.channelId, ...settings },
          // A day's post that failed is not worth a retry storm; the next day comes anyway.
          opts: {
            attempts: 3,
            backoff: { type: 'exponential', delay: 30_000 },
            removeOnComplete: 100,
            removeOnFail: 100,
          },
        },
      );
      await redis.del(keys.dailyStopped(channel.platform, channel.channelId));
      return nextRun(channel);
    },
    async show(channel) {
      const scheduler = await queue.getJobScheduler(schedulerId(channel));
      const data = DailyJobData.safeParse(scheduler?.template?.data);
      if (scheduler && data.success) {
        const { v: _v, platform: _p, channelId: _c, ...settings } = data.data;
        return { state: 'scheduled', settings, next: scheduler.next };
      }
      const stopped = StoppedRecord.safeParse(
        JSON.parse((await redis.get(keys.dailyStopped(channel.platform, channel.channelId))) ?? 'null'),
      );
      return stopped.success ? { state: 'stopped', ...stopped.data } : { state: 'none' };
    },
    async stop(channel) {
      await redis.del(keys.dailyStopped(channel.platform, channel.channelId));
      return queue.removeJobScheduler(schedulerId(channel));
    },
    async lost(channel, mood, reason) {
      await queue.removeJobScheduler(schedulerId(channel));
      const record: z.infer<typeof StoppedRecord> = { mood, reason, at: Date.now() };
      await redis.set(
        keys.dailyStopped(channel.platform, channel.channelId),
        JSON.stringify(record),
        'EX',
        30 * 24 * 3600,
      );
    },
    close: () => queue.close(),
  };
}

const StoppedRecord = z.object({ mood: z.string(), reason: z.string().max(200), at: z.number() });

/** The songs a channel's mood of the day posted within the window, and how to add a day's. */
export function createDailyRecent(redis: Redis, keys: RedisKeys) {
  return {
    async recent(channel: DailyChannel, now = Date.now()): Promise<string[]> {
      const key = keys.dailyRecent(channel.platform, channel.channelId);
      await redis.zremrangebyscore(key, '-inf', now - DAILY_REPEAT_WINDOW_MS);
      return redis.zrange(key, '0', '-1');
    },
    async add(channel: DailyChannel, songIds: readonly string[], now = Date.now()): Promise<void> {
      if (songIds.length === 0) return;
      const key = keys.dailyRecent(channel.platform, channel.channelId);
      await redis
        .multi()
        .zadd(key, ...songIds.flatMap((id) => [String(now), id]))
        .pexpire(key, DAILY_REPEAT_WINDOW_MS)
        .exec();
    },
  };
}
