/**
 * `/mood-daily set | show | stop` on Discord: the subcommand read, the admission asked (managers are those
 * with Manage Channels in the channel, as Discord signs it into the interaction), the verdict answered
 * privately with Discord's own date rendering.
 */
import { PermissionFlagsBits } from 'discord.js';
import type { AdmissionLog } from '../../workers/admission.ts';
import type { DailySchedules } from '../../workers/daily.ts';
import { createDailyAdmission, type DailyCommand, dailyText } from '../../workers/daily-admission.ts';
import { type InitialResponse, privateNote } from './answers.ts';
import { type CommandOption, type DiscordInteraction, optionValue } from './interaction.ts';
import { escapeText } from './render.ts';

const MANAGE = PermissionFlagsBits.ManageChannels | PermissionFlagsBits.Administrator;

export function createDailyCommand(schedules: DailySchedules, log: AdmissionLog) {
  const admission = createDailyAdmission({ schedules }, log);
  return async (
    interaction: DiscordInteraction,
    options: readonly CommandOption[],
    respond: InitialResponse,
  ) => {
    const command = readDailyCommand(options);
    if (!command) return respond(privateNote('Try /mood-daily set, /mood-daily show or /mood-daily stop.'));
    const verdict = await admission.submitDaily(
      {
        platform: 'discord',
        channelId: interaction.channelId ?? '',
        groupId: interaction.guildId,
        userId: interaction.userId ?? '',
        canManage: ((interaction.memberPermissions ?? 0n) & MANAGE) !== 0n,
        command,
      },
      'members with Manage Channels',
    );
    return respond(
      privateNote(
        dailyText(
          verdict,
          (ms) => `<t:${Math.floor(ms / 1000)}:F>`,
          (text) => escapeText(text, 200),
        ),
      ),
    );
  };
}

function readDailyCommand(options: readonly CommandOption[]): DailyCommand | undefined {
  const sub = options[0];
  switch (sub?.name) {
    case 'show':
    case 'stop':
      return { kind: sub.name };
    case 'set': {
      const args = sub.options ?? [];
      const mood = optionValue(args, 'mood', 'string');
      const time = optionValue(args, 'time', 'string');
      if (mood === undefined || time === undefined) return undefined;
      return {
        kind: 'set',
        mood,
        time,
        timezone: optionValue(args, 'timezone', 'string'),
        size: optionValue(args, 'size', 'number'),
      };
    }
    default:
      return undefined;
  }
}
