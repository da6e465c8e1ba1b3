/**
 * 👍 / 👎 on a playlist, per group (a Discord server, a Slack workspace; a DM is its user's own group) and
 * member. A member has one vote per playlist: pressing 👍 twice counts once, and switching from 👍 to 👎 moves
 * each of its songs by two. Each song's net votes in the group are kept beside the votes, so a later playlist
 * there reads them in one HMGET (core/feedback-demotion.ts decides what they cost a song).
 */
import type { Redis } from 'ioredis';
import type { FeedbackScores } from '../core/ports.ts';
import type { Platform, SongId } from '../core/types.ts';
import type { RedisKeys } from './redis-keys.ts';

export type Vote = 'up' | 'down';

/** Votes on one playlist outlive its buttons (a day) a little; the net counts are the group's memory. */
const VOTES_TTL_SECONDS = 2 * 24 * 3600;
const NET_TTL_SECONDS = 180 * 24 * 3600;

/**
 * KEYS: the playlist's votes, the group's net counts. ARGV: member, vote (1 or -1), the two TTLs, then the
 * playlist's song ids. Returns the change applied to each song (0 for a repeated vote): atomic, so two
 * presses racing each other still count once.
 */
const RECORD_VOTE = `
local previous = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
local vote = tonumber(ARGV[2])
local delta = vote - previous
if delta == 0 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], vote)
redis.call('EXPIRE', KEYS[1], ARGV[3])
for i = 5, #ARGV do redis.call('HINCRBY', KEYS[2], ARGV[i], delta) end
redis.call('EXPIRE', KEYS[2], ARGV[4])
return delta
`;

export interface VoteRecord {
  readonly group: string;
  readonly userId: string;
  readonly playlistId: string;
  readonly songIds: readonly SongId[];
  readonly vote: Vote;
}

export interface FeedbackStore extends FeedbackScores {
  /** True when the vote changed something; false when the member had already voted this way. */
  record(vote: VoteRecord): Promise<boolean>;
}

/** Whose votes a request reads and a press writes: the platform's group, or the member alone in a DM. */
export function feedbackGroup(platform: Platform, groupId: string | null, userId: string): string {
  return groupId ? `${platform}-${groupId}` : `${platform}-dm-${userId}`;
}

export function createFeedbackStore(redis: Redis, keys: RedisKeys): FeedbackStore {
  return {
    async record({ group, userId, playlistId, songIds, vote }) {
      const delta = await redis.eval(
        RECORD_VOTE,
        2,
        keys.feedbackVotes(group, playlistId),
        keys.feedbackNet(group),
        userId,
        vote === 'up' ? 1 : -1,
        VOTES_TTL_SECONDS,
        NET_TTL_SECONDS,
        ...songIds,
      );
      return Number(delta) !== 0;
    },
    async net(group, songIds) {
      const net = new Map<SongId, number>();
      if (songIds.length === 0) return net;
      const values = await redis.hmget(keys.feedbackNet(group), ...songIds);
      songIds.forEach((id, i) => {
        const value = Number(values[i] ?? 0);
        if (value !== 0) net.set(id, value);
      });
      return net;
    },
  };
}
