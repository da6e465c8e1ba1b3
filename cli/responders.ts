/** The worker learns how to answer on each platform here, from the bots' responders (DESIGN.md). */
import { REST } from '@discordjs/rest';
import { createDiscordResponder } from '../bots/discord/responder.ts';
import type { Config } from '../core/config.ts';
import type { Responders } from '../workers/responder.ts';
import type { Logger } from './logger.ts';

export function platformResponders(config: Config, log: Logger): Responders {
  return {
    discord: createDiscordResponder(new REST({ api: config.discord.apiUrl, version: '10' }), log),
  };
}
