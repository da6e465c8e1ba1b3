/** `sonic-mood discord` (the bot) and `sonic-mood discord:register` (slash command registration). */
import { REST } from '@discordjs/rest';
import { type Client, Routes } from 'discord.js';
import { attachDiscordBot } from '../bots/discord/bot.ts';
import { createDiscordClient } from '../bots/discord/client.ts';
import { COMMANDS } from '../bots/discord/commands.ts';
import { type Config, requireSettings } from '../core/config.ts';
import { createDeliveryGuard, createRequestLimits } from '../workers/limits.ts';
import { createMetrics } from '../workers/metrics.ts';
import { createMoodQueue } from '../workers/mood-queue.ts';
import { createPlaylistContexts } from '../workers/playlist-context.ts';
import { connectRedis } from '../workers/redis.ts';
import { redisKeys } from '../workers/redis-keys.ts';
import { createReindexQueue } from '../workers/reindex-queue.ts';
import { startHealthServer } from './health-server.ts';
import type { Logger } from './logger.ts';
import { onShutdown } from './shutdown.ts';

export async function runDiscordBot(config: Config, log: Logger): Promise<Client> {
  requireSettings(config, 'discord');
  const redis = connectRedis(config.queue.redisUrl, 'producer', log);
  // Every key of this deployment under its QUEUE_PREFIX, BullMQ's and ours alike.
  const keys = redisKeys(config.queue.prefix);
  const queue = createMoodQueue(redis, { attempts: config.queue.attempts, prefix: config.queue.prefix });
  const reindex = createReindexQueue(redis, config.queue.prefix);
  const client = createDiscordClient(config.discord.apiUrl);
  attachDiscordBot(client, {
    queue,
    limits: createRequestLimits(redis, {
      cooldownSeconds: config.queue.cooldownSeconds,
      groupHourlyCap: config.queue.groupHourlyCap,
      keys,
    }),
    contexts: createPlaylistContexts(redis, keys),
    deliveries: createDeliveryGuard(redis, keys),
    admin: { reindex, operators: config.operators },
    log,
  });
  const metrics = createMetrics();
  metrics.trackQueueDepth('mood', () => queue.depth());
  const health = await startHealthServer(config.queue.healthPort, { redis: () => redis.ping() }, metrics);
  client.once('clientReady', (c) => log.info({ user: c.user.tag }, 'discord bot ready'));
  onShutdown(log, [
    ['discord', () => client.destroy()],
    ['health', () => health.close()],
    ['queue', () => queue.close()],
    ['reindex queue', () => reindex.close()],
    ['redis', () => redis.quit()],
  ]);
  await client.login(config.discord.token);
  return client;
}

export async function registerDiscordCommands(config: Config, guildId: string | undefined): Promise<number> {
  requireSettings(config, 'discord');
  const rest = new REST({ api: config.discord.apiUrl, version: '10' }).setToken(config.discord.token ?? '');
  const appId = config.discord.applicationId ?? '';
  // Guild commands appear at once (good for testing); global ones can take up to an hour to propagate.
  const route = guildId ? Routes.applicationGuildCommands(appId, guildId) : Routes.applicationCommands(appId);
  const registered = (await rest.put(route, { body: COMMANDS })) as unknown[];
  return registered.length;
}
