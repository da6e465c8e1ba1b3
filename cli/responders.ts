/**
 * The worker learns how to answer on each platform here, from the bots' responders: workers/ never imports
 * bots/ (ARCHITECTURE.md, the import rule).
 */
import { webApi } from '@slack/bolt';
import { createDiscordChannelPoster } from '../bots/discord/channel-poster.ts';
import { createBotRest, createInteractionRest } from '../bots/discord/client.ts';
import { createDiscordResponder } from '../bots/discord/responder.ts';
import { createSlackChannelPoster } from '../bots/slack/channel-poster.ts';
import { slackLogger } from '../bots/slack/log.ts';
import { createSlackResponder } from '../bots/slack/responder.ts';
import type { Config } from '../core/config.ts';
import type { ChannelPosters, Responders } from '../workers/responder.ts';
import type { Logger } from './logger.ts';

export function platformResponders(config: Config, log: Logger): Responders {
  return {
    discord: createDiscordResponder(createInteractionRest(config.discord.apiUrl), log),
    // The bot token is only the fallback for a spent response_url; a few quick retries, not half an hour's.
    slack: createSlackResponder({ client: slackClient(config, log), log }),
  };
}

/** The mood of the day posts with each platform's bot token; a platform without one has no poster. */
export function channelPosters(config: Config, log: Logger): ChannelPosters {
  return {
    ...(config.discord.token
      ? { discord: createDiscordChannelPoster(createBotRest(config.discord.apiUrl, config.discord.token)) }
      : {}),
    ...(config.slack.botToken ? { slack: createSlackChannelPoster(slackClient(config, log)) } : {}),
  };
}

function slackClient(config: Config, log: Logger): webApi.WebClient {
  return new webApi.WebClient(config.slack.botToken, {
    slackApiUrl: config.slack.apiUrl,
    retryConfig: { retries: 2 },
    logger: slackLogger(log),
  });
}
