/** The slash commands Sonic Mood registers on Discord. */
import { SlashCommandBuilder } from 'discord.js';
import { MAX_MOOD_LENGTH } from '../../core/mood-text.ts';

export const MOOD_SIZE = { min: 5, max: 25, default: 10 } as const;

export const moodCommand = new SlashCommandBuilder()
  .setName('mood')
  .setDescription('Get a playlist for a mood or a vibe')
  .addStringOption((o) =>
    o
      .setName('mood')
      .setDescription('e.g. "rainy sunday, nostalgic but hopeful"')
      .setRequired(true)
      .setMaxLength(MAX_MOOD_LENGTH),
  )
  .addIntegerOption((o) =>
    o.setName('size').setDescription('How many songs').setMinValue(MOOD_SIZE.min).setMaxValue(MOOD_SIZE.max),
  )
  .addBooleanOption((o) => o.setName('private').setDescription('Only you see the playlist'));

export const COMMANDS = [moodCommand.toJSON()];

/** Button custom ids: `sm:<action>:<playlist context id>` (Discord allows 100 characters). */
export const BUTTON_PREFIX = 'sm';
export type ButtonAction = 'take' | 'like';
export const buttonId = (action: ButtonAction, playlistId: string) =>
  `${BUTTON_PREFIX}:${action}:${playlistId}`;

export function parseButtonId(customId: string): { action: ButtonAction; playlistId: string } | undefined {
  const match = /^sm:(take|like):([\w-]{1,32})$/.exec(customId);
  return match ? { action: match[1] as ButtonAction, playlistId: match[2] ?? '' } : undefined;
}
