/**
 * The admission of a 👍 / 👎 press: no job, a Redis write at once (feedback.ts), counted once per member and
 * song, and the words every platform answers it with.
 */
import type { Platform } from '../core/types.ts';
import type { AdmissionLog, MoodAdmissionDeps } from './admission.ts';
import { ADMISSION_MESSAGES } from './admission-messages.ts';
import { feedbackGroup, type Vote } from './feedback.ts';

/** A 👍 / 👎 press on a playlist. */
export interface VoteSubmission {
  readonly platform: Platform;
  readonly userId: string;
  readonly groupId: string | null;
  readonly playlistId: string;
  readonly vote: Vote;
}

export type VoteVerdict =
  | { readonly status: 'recorded'; readonly changed: boolean }
  | { readonly status: 'stale' }
  | { readonly status: 'unavailable' };

export interface VoteAdmission {
  /** A 👍 / 👎: recorded at once (no job), once per member and playlist. */
  submitVote(submission: VoteSubmission): Promise<VoteVerdict>;
}

export function createVoteAdmission(
  deps: Pick<MoodAdmissionDeps, 'contexts' | 'feedback' | 'onVote'>,
  log: AdmissionLog,
): VoteAdmission {
  return {
    async submitVote({ platform, userId, groupId, playlistId, vote }) {
      if (!deps.feedback) return { status: 'unavailable' };
      try {
        const context = await deps.contexts.load(playlistId);
        if (!context?.shown) return { status: 'stale' };
        const changed = await deps.feedback.record({
          group: feedbackGroup(platform, groupId, userId),
          userId,
          songIds: context.shown.tracks.map((t) => t.songId),
          vote,
        });
        if (changed) deps.onVote?.(platform, vote);
        log.info({ playlistId, vote, changed }, 'playlist vote');
        return { status: 'recorded', changed };
      } catch (error) {
        log.error({ playlistId, err: error }, 'vote not recorded');
        return { status: 'unavailable' };
      }
    },
  };
}

/** What a 👍 / 👎 press is told, privately, on every platform. */
export function voteText(verdict: VoteVerdict, vote: Vote): string {
  switch (verdict.status) {
    case 'recorded':
      return verdict.changed ? ADMISSION_MESSAGES.voted(vote) : ADMISSION_MESSAGES.alreadyVoted;
    case 'stale':
      return ADMISSION_MESSAGES.stale;
    case 'unavailable':
      return ADMISSION_MESSAGES.busy;
  }
}
