/**
 * Posts a playlist as a new channel message with the bot token (`chat.postMessage`): the mood of the day,
 * which no command asked for. A channel the bot cannot post in any more (archived, deleted, the app removed)
 * is lost for good. https://docs.slack.dev/reference/methods/chat.postMessage
 */
import { webApi } from '@slack/bolt';
import { ChannelLost, type ChannelPoster, ReplyRefused } from '../../workers/responder.ts';
import { playlistMessage } from './render.ts';

const LOST = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'restricted_action',
  'team_access_not_granted',
  'account_inactive',
]);

export function createSlackChannelPoster(client: webApi.WebClient): ChannelPoster {
  return {
    async post(channelId, { playlist, playlistId }) {
      try {
        await client.chat.postMessage({
          channel: channelId,
          unfurl_links: false,
          ...playlistMessage(playlist, playlistId),
        });
      } catch (error) {
        if (!(error instanceof webApi.WebAPIPlatformError)) throw error;
        const code = error.data.error;
        if (LOST.has(code)) throw new ChannelLost('I can no longer post in this channel', { cause: error });
        throw new ReplyRefused(`Slack refused the post (${code})`, false, { cause: error });
      }
    },
  };
}
