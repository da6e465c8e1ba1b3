/**
 * Every Redis key Sonic Mood writes beside BullMQ's own, in one place. They all start with the deployment's
 * QUEUE_PREFIX, the prefix BullMQ's keys start with too, so two deployments sharing one Redis share nothing:
 * no playlist buttons, cooldowns, delivery claims or reply records leak from one into the other.
 */

import type { Platform } from '../core/types.ts';

/** The per-user and per-group budgets `limits.ts` counts. */
export type LimitBudget = 'user' | 'button' | 'group';

export interface RedisKeys {
  readonly prefix: string;
  /** The context a playlist's buttons need (playlist-context.ts). */
  playlist(id: string): string;
  /** rate-limiter-flexible's key prefix for one budget; it appends `:<key>` itself. */
  limit(budget: LimitBudget): string;
  /** The first delivery of an interaction claims it (limits.ts, DeliveryGuard). */
  delivery(platform: Platform, interactionKey: string): string;
  /** What became of a mood job's reply: being posted, or posted (reply-records.ts). */
  reply(jobId: string): string;
  /** Set to ask the running re-index to stop (reindex-queue.ts). */
  reindexCancel(): string;
  /** Each member's 👍/👎 per song in a group, and the group's net votes per song (feedback.ts). */
  feedbackVotes(group: string): string;
  feedbackNet(group: string): string;
  /** A channel's mood of the day: the songs it posted lately, and why it stopped (daily.ts). */
  dailyRecent(platform: Platform, channelId: string): string;
  dailyStopped(platform: Platform, channelId: string): string;
}

export function redisKeys(prefix: string): RedisKeys {
  return {
    prefix,
    playlist: (id) => `${prefix}:playlist:${id}`,
    limit: (budget) => `${prefix}:limit:${budget}`,
    delivery: (platform, interactionKey) => `${prefix}:delivery:${platform}:${interactionKey}`,
    reply: (jobId) => `${prefix}:reply:${jobId}`,
    reindexCancel: () => `${prefix}:reindex:cancel`,
    // The group in braces: a cluster keeps one group's keys in one slot, so one script can touch both.
    feedbackVotes: (group) => `${prefix}:feedback:{${group}}:votes`,
    feedbackNet: (group) => `${prefix}:feedback:{${group}}:net`,
    dailyRecent: (platform, channelId) => `${prefix}:daily:${platform}:${channelId}:recent`,
    dailyStopped: (platform, channelId) => `${prefix}:daily:${platform}:${channelId}:stopped`,
  };
}
