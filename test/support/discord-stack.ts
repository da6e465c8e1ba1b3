/**
 * The whole Discord path on one machine: fake Discord (REST + gateway), the real discord.js bot, real
 * Redis/BullMQ, a worker running the real core on native PostgreSQL + pgvector with the demo catalog.
 */
import type { Worker } from 'bullmq';
import { Client, GatewayIntentBits } from 'discord.js';
import { Redis } from 'ioredis';
import pino from 'pino';
import { attachDiscordBot } from '../../bots/discord/bot.ts';
import { type App, openApp } from '../../cli/app.ts';
import { DEMO_CATALOG } from '../../cli/catalog-setup.ts';
import { platformResponders } from '../../cli/responders.ts';
import { type Config, loadConfig } from '../../core/config.ts';
import { activate } from '../../db/embedding-models.ts';
import { backfillEmbeddings } from '../../db/embeddings.ts';
import { ingestCatalog } from '../../db/ingest/catalog.ts';
import { createDeliveryGuard, createRequestLimits } from '../../workers/limits.ts';
import { createMoodQueue, type MoodQueue } from '../../workers/mood-queue.ts';
import { createMoodWorker } from '../../workers/mood-worker.ts';
import { createPlaylistContexts } from '../../workers/playlist-context.ts';
import { createReindexQueue, type ReindexQueue } from '../../workers/reindex-queue.ts';
import { type FakeDiscord, startFakeDiscord } from '../fakes/discord-server.ts';
import { createPostgresDatabase, type TestDatabase } from './databases.ts';
import { dropPrefix, REDIS_URL, testPrefix } from './redis.ts';

export const BOT_TOKEN = 'fake-bot-token.ABCDEFGHIJKLMNOPQRSTUVWXYZ';
export const APP_ID = '300000000000000001';
export const GUILD_ID = '400000000000000001';

export interface DiscordStack {
  readonly fake: FakeDiscord;
  readonly client: Client;
  readonly queue: MoodQueue;
  readonly reindex: ReindexQueue;
  readonly app: App;
  readonly config: Config;
  readonly database: TestDatabase;
  readonly prefix: string;
  /** The pino log lines every part wrote, to check that no secret reached them. */
  readonly logLines: string[];
  startWorker(): Promise<Worker>;
  stopWorker(): Promise<void>;
  close(): Promise<void>;
}

export async function startDiscordStack(
  options: { cooldownSeconds?: number; operators?: readonly string[] } = {},
): Promise<DiscordStack> {
  const prefix = testPrefix();
  const [fake, database] = await Promise.all([
    startFakeDiscord({ botToken: BOT_TOKEN, applicationId: APP_ID, guilds: [GUILD_ID] }),
    createPostgresDatabase(),
  ]);
  const config = loadConfig({
    DATABASE_URL: database.url,
    SONIC_MOOD_DATA_DIR: '.sonic-mood',
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    DISCORD_TOKEN: BOT_TOKEN,
    DISCORD_APPLICATION_ID: APP_ID,
    DISCORD_API_URL: fake.restUrl,
    COOLDOWN_SECONDS: String(options.cooldownSeconds ?? 0),
    WORKER_LOCK_MS: '5000',
  });
  const logLines: string[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => void logLines.push(line) });

  const app: App = await openApp(config, log);
  await ingestCatalog(app.db, DEMO_CATALOG);
  const { modelId } = await backfillEmbeddings(app.db, app.providers.embedder);
  await activate(app.db, modelId);

  const producer = new Redis(config.queue.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
  const consumer = new Redis(config.queue.redisUrl, { maxRetriesPerRequest: null });
  const queue = createMoodQueue(producer, { attempts: config.queue.attempts, prefix });
  const reindex = createReindexQueue(producer, prefix);
  const client = new Client({
    intents: [GatewayIntentBits.Guilds],
    rest: { api: fake.restUrl },
    waitGuildTimeout: 100,
  });
  attachDiscordBot(client, {
    queue,
    limits: createRequestLimits(producer, {
      cooldownSeconds: config.queue.cooldownSeconds,
      groupHourlyCap: config.queue.groupHourlyCap,
      keyPrefix: `${prefix}:limit`,
    }),
    contexts: createPlaylistContexts(producer),
    deliveries: createDeliveryGuard(producer, `${prefix}:delivery`),
    admin: { reindex, operators: new Set(options.operators ?? []), refreshMs: 200 },
    log,
  });
  const ready = new Promise<void>((resolve) => client.once('clientReady', () => resolve()));
  await client.login(BOT_TOKEN);
  await ready;

  let worker: Worker | undefined;
  const stack: DiscordStack = {
    fake,
    client,
    queue,
    reindex,
    app,
    config,
    database,
    prefix,
    logLines,
    async startWorker() {
      worker = createMoodWorker({
        connection: consumer,
        recommender: app.recommender,
        responders: platformResponders(config, log),
        contexts: createPlaylistContexts(consumer),
        concurrency: config.queue.concurrency,
        lockMs: config.queue.lockMs,
        log,
        prefix,
      });
      await worker.waitUntilReady();
      return worker;
    },
    async stopWorker() {
      await worker?.close();
      worker = undefined;
    },
    async close() {
      await stack.stopWorker();
      // destroy the client before the fake goes away, or it keeps reconnecting (FACTS.md)
      await client.destroy();
      await queue.close();
      await reindex.close();
      producer.disconnect();
      consumer.disconnect();
      await app.close();
      await fake.close();
      await database.drop();
      await dropPrefix(prefix);
    },
  };
  return stack;
}
