/**
 * Posts a playlist as a new channel message with the bot token (`POST /channels/{id}/messages`): the mood of
 * the day, which no interaction asked for. A channel the bot can no longer see or post in is lost for good.
 * https://discord.com/developers/docs/resources/message#create-message
 */
import { DiscordAPIError, type REST } from '@discordjs/rest';
import { RESTJSONErrorCodes, Routes } from 'discord.js';
import { ChannelLost, type ChannelPoster, ReplyRefused } from '../../workers/responder.ts';
import { playlistMessage } from './render.ts';

const LOST = new Set<number>([
  RESTJSONErrorCodes.UnknownChannel,
  RESTJSONErrorCodes.MissingAccess,
  RESTJSONErrorCodes.MissingPermissions,
  RESTJSONErrorCodes.UnknownGuild,
]);

export function createDiscordChannelPoster(rest: REST): ChannelPoster {
  return {
    async post(channelId, { playlist, playlistId }) {
      try {
        await rest.post(Routes.channelMessages(channelId), { body: playlistMessage(playlist, playlistId) });
      } catch (error) {
        if (error instanceof DiscordAPIError && typeof error.code === 'number' && LOST.has(error.code))
          throw new ChannelLost('I lost access to this channel', { cause: error });
        // Any other refusal (a 400 is a bug the log must show) posted nothing: the job may retry.
        if (error instanceof DiscordAPIError && error.status < 500)
          throw new ReplyRefused(`Discord refused the post (${error.code})`, false, { cause: error });
        throw error;
      }
    },
  };
}
