/**
 * What the Discord adapter answers with, wherever it answers from: the words (the admission's, in Discord's
 * terms), a private note as an initial response, and the interaction's webhook for later replies.
 */
import { type APIInteractionResponse, InteractionResponseType, MessageFlags } from 'discord.js';
import { ADMISSION_MESSAGES } from '../../workers/admission.ts';
import type { DiscordInteraction } from './interaction.ts';

/** The initial response to one interaction; rejects when Discord refuses it (already acknowledged, expired). */
export type InitialResponse = (response: APIInteractionResponse) => Promise<void>;

export const MESSAGES = {
  ...ADMISSION_MESSAGES,
  groupCap: (s: number) => ADMISSION_MESSAGES.groupCap(s, 'server'),
  unknownButton: 'This button is no longer supported. Run /mood for a fresh playlist!',
  unknownCommand: 'Sonic Mood no longer has that command. Try /mood!',
  unavailableDaily: 'The mood of the day is not available in this deployment.',
} as const;

const NO_MENTIONS = { parse: [] as [] };

export const privateNote = (content: string): APIInteractionResponse => ({
  type: InteractionResponseType.ChannelMessageWithSource,
  data: { content, flags: MessageFlags.Ephemeral, allowed_mentions: NO_MENTIONS },
});

/** The interaction's webhook, for replies after the initial response. */
export function replyOf(interaction: DiscordInteraction, ephemeral: boolean) {
  return { applicationId: interaction.applicationId, token: interaction.token, ephemeral };
}
