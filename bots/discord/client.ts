/** The discord.js client of the gateway bot, and the REST client every interaction is answered through. */
import { DefaultRestOptions, REST } from '@discordjs/rest';
import { Client, GatewayIntentBits } from 'discord.js';

/** The bot's gateway client: slash commands need no privileged intent; Guilds resolves interactions. */
export function createDiscordClient(apiUrl: string, options: { waitGuildTimeout?: number } = {}): Client {
  return new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: apiUrl }, ...options });
}

/**
 * The routes an interaction token authorises: the initial callback and the interaction webhook (edit, delete,
 * follow up). Discord exempts them from the bot's global rate limit (50 requests/s): "Interaction endpoints are
 * not bound to the bot's Global Rate Limit" (docs, Rate Limits). Each token still has its own per-route buckets.
 */
const INTERACTION_ROUTE =
  /\/v\d+\/(interactions\/\d{15,22}\/[^/]+\/callback|webhooks\/\d{15,22}\/[^/?]+)(\/|\?|$)/;

export function isInteractionRoute(url: string): boolean {
  return INTERACTION_ROUTE.test(new URL(url).pathname);
}

/**
 * REST for interaction tokens only: no bot token (the token in the path authorises). @discordjs/rest counts
 * every request against one process-wide 50/s global budget except callbacks (its BurstHandler); webhook
 * edits waited in that queue, which capped a burst's playlists at 50/s per worker. This client lifts the
 * global budget (`globalRequestsPerSecond: Infinity`) and keeps the rest: per-route buckets learnt from the
 * X-RateLimit headers, 429 retries after Retry-After, and a 429 Discord marks global still pauses it. Lifting
 * it is right only for interaction routes, so any other route is refused before it leaves the process.
 */
export function createInteractionRest(apiUrl: string): REST {
  return new REST({
    api: apiUrl,
    version: '10',
    globalRequestsPerSecond: Number.POSITIVE_INFINITY,
    makeRequest: (url, init) => {
      if (!isInteractionRoute(url)) {
        throw new Error(
          `the interaction REST client sends interaction routes only, not ${new URL(url).pathname}`,
        );
      }
      return DefaultRestOptions.makeRequest(url, init);
    },
  });
}

/** REST with the bot token, for what no interaction authorises (a channel's mood of the day). */
export function createBotRest(apiUrl: string, token: string): REST {
  return new REST({ api: apiUrl, version: '10' }).setToken(token);
}
