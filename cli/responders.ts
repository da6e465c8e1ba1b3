/**
 * The worker learns how to answer on each platform here, from the bots' responders: workers/ never imports
 * bots/ (ARCHITECTURE.md, the import rule).
 */
import { webApi } from '@slack/bolt';
import { createInteractionRest } from '../bots/discord/client.ts';
import { createDiscordResponder } from '../bots/discord/responder.ts';
import { slackLogger } from '../bots/slack/log.ts';
import { createSlackResponder } from '../bots/slack/responder.ts';
import type { Config } from '../core/config.ts';
import type { Responders } from '../workers/responder.ts';
import type { Logger } from './logger.ts';

export function platformResponders(config: Config, log: Logger): Responders {
  return {
    discord: createDiscordResponder(createInteractionRest(config.discord.apiUrl), log),
    // The bot token is only the fallback for a spent response_url; a few quick retries, not half an hour's.
    slack: createSlackResponder({
      client: new webApi.WebClient(config.slack.botToken, {
        slackApiUrl: config.slack.apiUrl,
        retryConfig: { retries: 2 },
        logger: slackLogger(log),
      }),
      log,
    }),
  };
}
