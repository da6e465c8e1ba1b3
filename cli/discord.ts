/**
 * `sonic-mood discord` (the bot, over the gateway or at the Interactions Endpoint URL as DISCORD_MODE says)
 * and `sonic-mood discord:register` (slash command registration, the same in both modes).
 */
import { REST } from '@discordjs/rest';
import { Routes } from 'discord.js';
import { attachDiscordBot, createInteractionHandler, type DiscordBotDeps } from '../bots/discord/bot.ts';
import { createDiscordClient, createInteractionRest } from '../bots/discord/client.ts';
import { COMMANDS } from '../bots/discord/commands.ts';
import { createInteractionsEndpoint, INTERACTIONS_PATH } from '../bots/discord/http-endpoint.ts';
import { type Config, requireSettings } from '../core/config.ts';
import { MoodError, MoodErrorCode } from '../core/errors.ts';
import { type HealthServer, startHealthServer } from './health-server.ts';
import type { Logger } from './logger.ts';
import { createProducer, type Producer } from './producer.ts';
import { onShutdown } from './shutdown.ts';

export async function runDiscordBot(config: Config, log: Logger): Promise<void> {
  requireSettings(config, 'discord');
  if (config.discord.mode === 'http' && config.queue.healthPort === 0) {
    throw new MoodError(
      MoodErrorCode.ConfigInvalid,
      'DISCORD_MODE=http serves POST /interactions on HEALTH_PORT, which is 0 (off): set it to a port.',
    );
  }
  const producer = createProducer(config, log);
  const deps: DiscordBotDeps = {
    ...producer.admission,
    admin: { reindex: producer.reindex, operators: config.operators },
    daily: producer.daily,
    log,
  };
  // One REST client for every interaction token, outside the bot token's 50/s global limit (client.ts).
  const rest = createInteractionRest(config.discord.apiUrl);
  if (config.discord.mode === 'http') return serveInteractions(config, log, producer, deps, rest);

  const client = createDiscordClient(config.discord.apiUrl);
  attachDiscordBot(client, deps, rest);
  const health = await startHealthServer(config.queue.healthPort, producer.checks, producer.metrics, log);
  client.once('clientReady', (c) => log.info({ mode: 'gateway', user: c.user.tag }, 'discord bot ready'));
  onShutdown(log, [
    ['discord', () => client.destroy()],
    ['health', () => health.close()],
    ...producer.shutdownSteps,
  ]);
  await client.login(config.discord.token);
}

/**
 * HTTP mode: `POST /interactions` beside `/healthz` and `/metrics` on HEALTH_PORT, the one port a web service
 * exposes (Render health-checks it too). No gateway connection and no bot token: every reply goes through the
 * interaction's own token, so any number of these processes can run behind one URL.
 */
async function serveInteractions(
  config: Config,
  log: Logger,
  producer: Producer,
  deps: DiscordBotDeps,
  rest: REST,
): Promise<void> {
  const endpoint = createInteractionsEndpoint({
    publicKey: config.discord.publicKey ?? '',
    handle: createInteractionHandler(deps, rest),
    log,
  });
  const port = config.queue.healthPort;
  let server: HealthServer;
  try {
    server = await startHealthServer(port, producer.checks, producer.metrics, log, {
      [INTERACTIONS_PATH]: endpoint,
    });
  } catch (error) {
    await producer.abandon();
    throw error;
  }
  onShutdown(log, [['interactions endpoint', () => server.close()], ...producer.shutdownSteps]);
  log.info({ mode: 'http', port, path: INTERACTIONS_PATH }, 'discord interactions endpoint listening');
}

export async function registerDiscordCommands(config: Config, guildId: string | undefined): Promise<number> {
  requireSettings(config, 'discord:register');
  const rest = new REST({ api: config.discord.apiUrl, version: '10' }).setToken(config.discord.token ?? '');
  const appId = config.discord.applicationId ?? '';
  // Guild commands appear at once (good for testing); global ones can take up to an hour to propagate.
  const route = guildId ? Routes.applicationGuildCommands(appId, guildId) : Routes.applicationCommands(appId);
  const registered = (await rest.put(route, { body: COMMANDS })) as unknown[];
  return registered.length;
}
