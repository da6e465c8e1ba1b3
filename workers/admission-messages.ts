/** The words every platform answers an admission with, in one place; each platform renders them in its markup. */
import type { Vote } from './feedback.ts';

/** The words every platform answers an admission with; each platform renders them in its markup. */
export const ADMISSION_MESSAGES = {
  cooldown: (s: number) => `You're brewing playlists fast! Try again in ${s} s.`,
  /** `group` is what the platform calls it: a Discord "server", a Slack "workspace". */
  groupCap: (s: number, group: string) =>
    `This ${group} has used its playlists for this hour. Try again in ${Math.ceil(s / 60)} min.`,
  busy: 'Sonic Mood is busy right now and could not take your request. Please try again in a minute.',
  stale: 'That playlist is too old for this button. Run /mood again!',
  notShown: 'That song is no longer in this playlist.',
  notYours:
    'Only the person who asked for this playlist can refine it or swap its songs. Try /mood yourself!',
  voted: (vote: Vote) =>
    vote === 'up'
      ? 'Thanks! Songs like these will keep coming here.'
      : 'Thanks! These songs will come up less here.',
  alreadyVoted: 'You already said so about this playlist.',
  admin: 'Admin commands are not available in this deployment.',
} as const;

/** The text a refusal shows, for platforms whose only difference is what they call a group. */
export function limitMessage(verdict: { scope: 'user' | 'group'; retryAfterSeconds: number }, group: string) {
  return verdict.scope === 'user'
    ? ADMISSION_MESSAGES.cooldown(verdict.retryAfterSeconds)
    : ADMISSION_MESSAGES.groupCap(verdict.retryAfterSeconds, group);
}
