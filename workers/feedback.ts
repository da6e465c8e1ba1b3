/**
 * 👍 / 👎 on a playlist, per group (a Discord server, a Slack workspace; a DM is its user's own group) and
 * member. A press votes on each song the playlist shows, and a member has one vote per song: pressing 👎
 * twice counts once, so does 👎 on two playlists that share a song (or on a playlist before and after a swap),
 * and switching from 👍 to 👎 moves a song by two. Each song's net votes in the group are kept beside the
 * votes, so a later playlist there reads them in one HMGET (core/feedback-demotion.ts decides what they cost).
 */
import type { Redis } from 'ioredis';
import type { FeedbackScores } from '../core/ports.ts';
import type { Platform, SongId } from '../core/types.ts';
import type { RedisKeys } from './redis-keys.ts';

export type Vote = 'up' | 'down';

/** How long a group remembers its votes after the last one. */
const TTL_SECONDS = 180 * 24 * 3600;

/**
 * KEYS: the group's votes (field `<song>:<member>`), its net counts (field `<song>`). ARGV: member, vote (1 or
 * -1), the TTL, then the playlist's song ids. Returns how many songs' votes changed (0 for a repeated press):
 * atomic, so two presses racing each other still count once.
 */
const RECORD_VOTE = `
local vote = tonumber(ARGV[2])
local changed = 0
for i = 4, #ARGV do
  local field = ARGV[i] .. ':' .. ARGV[1]
  local delta = vote - tonumber(redis.call('HGET', KEYS[1], field) or '0')
  if delta ~= 0 then
    redis.call('HSET', KEYS[1], field, vote)
    redis.call('HINCRBY', KEYS[2], ARGV[i], delta)
    changed = changed + 1
  end
end
if changed > 0 then
  redis.call('EXPIRE', KEYS[1], ARGV[3])
  redis.call('EXPIRE', KEYS[2], ARGV[3])
end
return changed
`;

export interface VoteRecord {
  readonly group: string;
  readonly userId: string;
  /** The songs the playlist shows. */
  readonly songIds: readonly SongId[];
  readonly vote: Vote;
}

export interface FeedbackStore extends FeedbackScores {
  /** True when the vote changed something; false when the member had already voted this way on every song. */
  record(vote: VoteRecord): Promise<boolean>;
}

/** Whose votes a request reads and a press writes: the platform's group, or the member alone in a DM. */
export function feedbackGroup(platform: Platform, groupId: string | null, userId: string): string {
  return groupId ? `${platform}-${groupId}` : `${platform}-dm-${userId}`;
}

export function createFeedbackStore(redis: Redis, keys: RedisKeys): FeedbackStore {
  return {
    async record({ group, userId, songIds, vote }) {
      const changed = await redis.eval(
        RECORD_VOTE,
        2,
        keys.feedbackVotes(group),
        keys.feedbackNet(group),
        userId,
        vote === 'up' ? 1 : -1,
        TTL_SECONDS,
        ...new Set(songIds),
      );
      return Number(changed) > 0;
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
