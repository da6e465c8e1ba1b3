/** The slash commands Sonic Mood registers on Discord. */
import { InteractionContextType, PermissionFlagsBits, SlashCommandBuilder } from 'discord.js';
import { MAX_MOOD_LENGTH } from '../../core/mood-text.ts';
import { MOOD_SIZE } from '../../workers/admission.ts';
import type { PlaylistControl } from '../../workers/playlist-context.ts';

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

/**
 * Catalog administration. Visible to server managers by default (they may see the status); re-index and
 * cancel are checked against the operator allowlist, since one catalog serves every server.
 */
export const adminCommand = new SlashCommandBuilder()
  .setName('mood-admin')
  .setDescription('Sonic Mood catalog administration')
  .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
  .addSubcommand((c) =>
    c
      .setName('reindex')
      .setDescription('Embed the catalog and rebuild the vector index (operators only)')
      .addStringOption((o) =>
        o
          .setName('model')
          .setDescription('OpenAI-compatible embedding model (default: configured)')
          .setMaxLength(150),
      )
      .addIntegerOption((o) =>
        o.setName('dimensions').setDescription('Embedding dimensions').setMinValue(1).setMaxValue(4000),
      )
      .addBooleanOption((o) =>
        o.setName('full').setDescription('Re-embed every song, not only missing ones'),
      ),
  )
  .addSubcommand((c) => c.setName('status').setDescription('Show the re-index status'))
  .addSubcommand((c) => c.setName('cancel').setDescription('Cancel the running re-index (operators only)'));

/**
 * A channel's mood of the day. Shown to members with Manage Channels by default; set and stop are checked
 * again against the permissions Discord signs into each interaction (workers/daily-admission.ts).
 */
export const dailyCommand = new SlashCommandBuilder()
  .setName('mood-daily')
  .setDescription('A fresh playlist in this channel every day')
  .setDefaultMemberPermissions(PermissionFlagsBits.ManageChannels)
  .setContexts(InteractionContextType.Guild)
  .addSubcommand((c) =>
    c
      .setName('set')
      .setDescription('Post a playlist for a mood here every day')
      .addStringOption((o) =>
        o
          .setName('mood')
          .setDescription('e.g. "first coffee, slow start"')
          .setRequired(true)
          .setMaxLength(MAX_MOOD_LENGTH),
      )
      .addStringOption((o) =>
        o.setName('time').setDescription('24-hour HH:MM, e.g. 08:30').setRequired(true).setMaxLength(8),
      )
      .addStringOption((o) =>
        o
          .setName('timezone')
          .setDescription('IANA time zone, e.g. Europe/Paris (default UTC)')
          .setMaxLength(64),
      )
      .addIntegerOption((o) =>
        o
          .setName('size')
          .setDescription('How many songs')
          .setMinValue(MOOD_SIZE.min)
          .setMaxValue(MOOD_SIZE.max),
      ),
  )
  .addSubcommand((c) => c.setName('show').setDescription("Show this channel's mood of the day"))
  .addSubcommand((c) => c.setName('stop').setDescription("Stop this channel's mood of the day"));

export const COMMANDS = [moodCommand.toJSON(), adminCommand.toJSON(), dailyCommand.toJSON()];

/**
 * Component custom ids: `sm:<control>:<playlist context id>` (Discord allows 100 characters). Buttons:
 * another take, more like this, refine (opens the modal), 👍, 👎; the select menu: swap; the modal: refine.
 */
export const BUTTON_PREFIX = 'sm';
export const buttonId = (control: PlaylistControl, playlistId: string) =>
  `${BUTTON_PREFIX}:${control}:${playlistId}`;

/** The text input of the refine modal. */
export const REFINE_INPUT_ID = 'refinement';

export function parseButtonId(
  customId: string,
): { control: PlaylistControl; playlistId: string } | undefined {
  const match = /^sm:(take|like|refine|up|down|swap):([\w-]{1,32})$/.exec(customId);
  return match ? { control: match[1] as PlaylistControl, playlistId: match[2] ?? '' } : undefined;
}
