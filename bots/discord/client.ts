/** The discord.js client of the bot, and the REST client the worker answers interactions through. */
import { REST } from '@discordjs/rest';
import { Client, GatewayIntentBits } from 'discord.js';

/** The bot's gateway client: slash commands need no privileged intent; Guilds resolves interactions. */
export function createDiscordClient(apiUrl: string, options: { waitGuildTimeout?: number } = {}): Client {
  return new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: apiUrl }, ...options });
}

/**
 * REST for the interaction webhooks: no bot token, the interaction token in the path authorises. (Interaction
 * callbacks skip @discordjs/rest's 50/s global queue, its BurstHandler; webhook edits wait in it.)
 */
export function createInteractionRest(apiUrl: string): REST {
  return new REST({ api: apiUrl, version: '10' });
}
