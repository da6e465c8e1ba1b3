/**
 * `/mood-daily set | show | stop` for a channel, on every platform. Setting and stopping are for the
 * channel's managers (Discord: Manage Channels in it, from the interaction Discord signed; Slack: a workspace
 * admin or owner, from users.info), checked here, where the schedule is written, not only by the command's
 * default visibility. `show` is open to everyone in the channel.
 */
import { parseMood } from '../core/mood-text.ts';
import type { Platform } from '../core/types.ts';
import type { AdmissionLog } from './admission.ts';
import { MOOD_SIZE } from './admission.ts';
import { canonicalTimeZone, type DailySchedules, type DailyStatus, parseDailyTime } from './daily.ts';

export type DailyCommand =
  | {
      readonly kind: 'set';
      readonly mood: string;
      readonly time: string;
      readonly timezone?: string;
      readonly size?: number;
    }
  | { readonly kind: 'show' }
  | { readonly kind: 'stop' };

export interface DailySubmission {
  readonly platform: Platform;
  readonly channelId: string;
  readonly groupId: string | null;
  readonly userId: string;
  /** May this user manage the channel (Discord Manage Channels, Slack admin)? Absent in a DM. */
  readonly canManage: boolean;
  readonly command: DailyCommand;
}

export type DailyVerdict =
  | {
      readonly status: 'set';
      readonly mood: string;
      readonly time: string;
      readonly timezone: string;
      readonly next: number | undefined;
    }
  | { readonly status: 'shown'; readonly daily: DailyStatus }
  | { readonly status: 'stopped'; readonly existed: boolean }
  | { readonly status: 'refused'; readonly message: string }
  | { readonly status: 'unavailable' };

export const DAILY_MESSAGES = {
  notManager: (who: string) => `Only ${who} can set or stop this channel's mood of the day.`,
  noDm: 'The mood of the day is for channels, not direct messages.',
  badTime: 'The time is a 24-hour HH:MM, like `08:30` or `21:00`.',
  badZone: (zone: string) =>
    `I do not know the time zone “${zone.slice(0, 64)}”. Use an IANA name such as Europe/Paris or America/New_York.`,
  busy: 'Sonic Mood could not reach its schedule store. Please try again in a minute.',
} as const;

export function createDailyAdmission(deps: { readonly schedules: DailySchedules }, log: AdmissionLog) {
  return {
    async submitDaily(submission: DailySubmission, manager: string): Promise<DailyVerdict> {
      const { command } = submission;
      const channel = { platform: submission.platform, channelId: submission.channelId };
      if (!submission.groupId) return { status: 'refused', message: DAILY_MESSAGES.noDm };
      if (command.kind !== 'show' && !submission.canManage)
        return { status: 'refused', message: DAILY_MESSAGES.notManager(manager) };
      try {
        if (command.kind === 'show') return { status: 'shown', daily: await deps.schedules.show(channel) };
        if (command.kind === 'stop')
          return { status: 'stopped', existed: await deps.schedules.stop(channel) };
        const mood = parseMood(command.mood);
        if (!mood.ok) return { status: 'refused', message: 'That mood is empty or too long.' };
        const time = parseDailyTime(command.time);
        if (!time) return { status: 'refused', message: DAILY_MESSAGES.badTime };
        const timezone = canonicalTimeZone(command.timezone ?? 'UTC');
        if (!timezone) return { status: 'refused', message: DAILY_MESSAGES.badZone(command.timezone ?? '') };
        const size = Math.min(
          MOOD_SIZE.max,
          Math.max(MOOD_SIZE.min, Math.round(command.size ?? MOOD_SIZE.default)),
        );
        const next = await deps.schedules.set(channel, {
          groupId: submission.groupId,
          mood: mood.text,
          size,
          time,
          timezone,
          setBy: submission.userId,
        });
        log.info({ ...channel, time, timezone }, 'mood of the day set');
        return { status: 'set', mood: mood.text, time, timezone, next };
      } catch (error) {
        log.error({ ...channel, err: error }, 'mood of the day not changed');
        return { status: 'unavailable' };
      }
    },
  };
}

/** The verdict in words; `when` renders an instant as the platform shows dates (Discord `<t:…>`, Slack `<!date…>`). */
export function dailyText(
  verdict: DailyVerdict,
  when: (ms: number) => string,
  quote: (text: string) => string,
): string {
  switch (verdict.status) {
    case 'set':
      return (
        `Every day at ${verdict.time} (${verdict.timezone}) I'll post a playlist for “${quote(verdict.mood)}” here` +
        (verdict.next ? `; the first one ${when(verdict.next)}.` : '.')
      );
    case 'shown': {
      const d = verdict.daily;
      if (d.state === 'scheduled')
        return (
          `This channel's mood of the day: “${quote(d.settings.mood)}”, ${d.settings.size} songs every day at ` +
          `${d.settings.time} (${d.settings.timezone})` +
          (d.next ? `; next ${when(d.next)}.` : '.')
        );
      if (d.state === 'stopped')
        return `The mood of the day (“${quote(d.mood)}”) stopped ${when(d.at)}: ${d.reason}. Set it again with /mood-daily set.`;
      return 'This channel has no mood of the day. Set one with /mood-daily set.';
    }
    case 'stopped':
      return verdict.existed
        ? 'Stopped: no more daily playlists here.'
        : 'This channel had no mood of the day.';
    case 'refused':
      return verdict.message;
    case 'unavailable':
      return DAILY_MESSAGES.busy;
  }
}
