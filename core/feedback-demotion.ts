/**
 * The group's 👍/👎 in the re-rank: a song with net negative votes in a Discord server or Slack workspace
 * loses up to FEEDBACK_WEIGHT of its score there (full weight at three net 👎), so it sinks without being
 * banned: a strong enough match still plays. Net positive votes change nothing; popularity already rewards.
 */
import type { FeedbackScores } from './ports.ts';
import type { SongId } from './types.ts';

/** Net 👎 at which a song loses the whole weight. */
export const FULL_DEMOTION_VOTES = 3;

/** Score to take off each candidate; empty without votes, a group, or a weight. Never fails a request. */
export async function demotionsOf(
  feedback: FeedbackScores | undefined,
  groupId: string | null | undefined,
  candidates: readonly { readonly id: SongId }[],
  weight: number,
): Promise<ReadonlyMap<SongId, number>> {
  if (!feedback || !groupId || weight <= 0 || candidates.length === 0) return new Map();
  // Votes are a nicety: if they cannot be read, the playlist is made without them.
  const net = await feedback
    .net(
      groupId,
      candidates.map((c) => c.id),
    )
    .catch(() => new Map<SongId, number>());
  const demote = new Map<SongId, number>();
  for (const [id, votes] of net) {
    if (votes < 0) demote.set(id, weight * Math.min(1, -votes / FULL_DEMOTION_VOTES));
  }
  return demote;
}
