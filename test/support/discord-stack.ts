/**
 * The whole Discord path on one machine: fake Discord (REST + gateway, or signed POSTs to the bot's
 * Interactions Endpoint URL), the real bot (discord.js over the gateway, or its HTTP endpoint), real
 * Redis/BullMQ, a worker running the real core on native PostgreSQL + pgvector with the demo catalog.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Worker } from 'bullmq';
import { type APIEmbed, ApplicationCommandOptionType, type Client } from 'discord.js';
import pino from 'pino';
import { attachDiscordBot, createInteractionHandler, type DiscordBotDeps } from '../../bots/discord/bot.ts';
import { createDiscordChannelPoster } from '../../bots/discord/channel-poster.ts';
import { createBotRest, createDiscordClient, createInteractionRest } from '../../bots/discord/client.ts';
import { createInteractionsEndpoint } from '../../bots/discord/http-endpoint.ts';
import { type App, openApp } from '../../cli/app.ts';
import { DEMO_CATALOG } from '../../cli/catalog-setup.ts';
import { platformResponders } from '../../cli/responders.ts';
import { type Config, loadConfig } from '../../core/config.ts';
import { activate } from '../../db/embedding-models.ts';
import { backfillEmbeddings } from '../../db/embeddings.ts';
import { ingestCatalog } from '../../db/ingest/catalog.ts';
import { createDailySchedules } from '../../workers/daily.ts';
import { createDailyWorker } from '../../workers/daily-worker.ts';
import { createFeedbackStore } from '../../workers/feedback.ts';
import { createDeliveryGuard, createRequestLimits } from '../../workers/limits.ts';
import { createMoodQueue, type MoodQueue } from '../../workers/mood-queue.ts';
import { createMoodWorker } from '../../workers/mood-worker.ts';
import { createPlaylistContexts } from '../../workers/playlist-context.ts';
import { connectRedis } from '../../workers/redis.ts';
import { redisKeys } from '../../workers/redis-keys.ts';
import { createReindexQueue, type ReindexQueue } from '../../workers/reindex-queue.ts';
import { type FakeDiscord, startFakeDiscord } from '../fakes/discord-server.ts';
import { createPostgresDatabase, type TestDatabase } from './databases.ts';
import { dropPrefix, REDIS_URL, testPrefix } from './redis.ts';

export const BOT_TOKEN = 'fake-bot-token.ABCDEFGHIJKLMNOPQRSTUVWXYZ';
export const APP_ID = '300000000000000001';
export const GUILD_ID = '400000000000000001';

export interface DiscordStack {
  readonly fake: FakeDiscord;
  /** The gateway bot's client; undefined in HTTP mode, which has no gateway connection. */
  readonly client: Client | undefined;
  readonly queue: MoodQueue;
  readonly reindex: ReindexQueue;
  readonly app: App;
  readonly config: Config;
  readonly database: TestDatabase;
  readonly prefix: string;
  /** The settings the stack runs on, for a worker process of the same deployment. */
  readonly env: Readonly<Record<string, string>>;
  /** The pino log lines every part wrote, to check that no secret reached them. */
  readonly logLines: string[];
  startWorker(): Promise<Worker>;
  stopWorker(): Promise<void>;
  close(): Promise<void>;
}

export interface DiscordStackOptions {
  readonly cooldownSeconds?: number;
  readonly groupHourlyCap?: number;
  readonly operators?: readonly string[];
  /** Another Redis than the shared one (a fault test's own, which it restarts). */
  readonly redisUrl?: string;
  /** A server to create the test database on, other than TEST_PG_ADMIN_URL's. */
  readonly pgAdminUrl?: string;
  /** More settings, e.g. model providers; the catalog is embedded with the embedder they configure. */
  readonly env?: Readonly<Record<string, string>>;
  /** `http`: the bot serves an Interactions Endpoint URL, set on the fake as in the Developer Portal. */
  readonly mode?: 'gateway' | 'http';
  /** HTTP mode: this many bot replicas (each its own handler and REST client) behind the one URL. */
  readonly replicas?: number;
}

export async function startDiscordStack(options: DiscordStackOptions = {}): Promise<DiscordStack> {
  const prefix = testPrefix();
  const redisUrl = options.redisUrl ?? REDIS_URL;
  const [fake, database] = await Promise.all([
    startFakeDiscord({ botToken: BOT_TOKEN, applicationId: APP_ID, guilds: [GUILD_ID] }),
    createPostgresDatabase(options.pgAdminUrl),
  ]);
  const env: Record<string, string> = {
    DATABASE_URL: String(database.url),
    SONIC_MOOD_DATA_DIR: '.sonic-mood',
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: prefix,
    DISCORD_TOKEN: BOT_TOKEN,
    DISCORD_APPLICATION_ID: APP_ID,
    DISCORD_API_URL: fake.restUrl,
    COOLDOWN_SECONDS: String(options.cooldownSeconds ?? 0),
    ...(options.groupHourlyCap ? { GROUP_HOURLY_CAP: String(options.groupHourlyCap) } : {}),
    WORKER_LOCK_MS: '5000',
    ...options.env,
  };
  const config = loadConfig(env);
  const logLines: string[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => void logLines.push(line) });

  const producer = connectRedis(config.queue.redisUrl, 'producer', log);
  const consumer = connectRedis(config.queue.redisUrl, 'worker', log);
  // The worker's recommender demotes by the votes the bot records, as in the processes.
  const app: App = await openApp(config, log, undefined, createFeedbackStore(consumer, redisKeys(prefix)));
  await ingestCatalog(app.db, DEMO_CATALOG);
  const { modelId } = await backfillEmbeddings(app.db, app.providers.embedder);
  await activate(app.db, modelId);

  const queue = createMoodQueue(producer, { attempts: config.queue.attempts, prefix });
  const reindex = createReindexQueue(producer, { prefix, models: config.models });
  const deps: DiscordBotDeps = {
    queue,
    limits: createRequestLimits(producer, {
      cooldownSeconds: config.queue.cooldownSeconds,
      groupHourlyCap: config.queue.groupHourlyCap,
      keys: redisKeys(prefix),
    }),
    contexts: createPlaylistContexts(producer, redisKeys(prefix)),
    deliveries: createDeliveryGuard(producer, redisKeys(prefix)),
    feedback: createFeedbackStore(producer, redisKeys(prefix)),
    daily: createDailySchedules(producer, redisKeys(prefix)),
    admin: { reindex, operators: new Set(options.operators ?? []), refreshMs: 200 },
    log,
  };
  let client: Client | undefined;
  const endpoints: Server[] = [];
  if (options.mode === 'http') {
    for (let i = 0; i < (options.replicas ?? 1); i++) {
      const handle = createInteractionHandler(deps, createInteractionRest(fake.restUrl));
      const server = createServer(createInteractionsEndpoint({ publicKey: fake.publicKey, handle, log }));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      endpoints.push(server);
    }
    await fake.setInteractionsEndpoint(
      endpoints.map((e) => `http://127.0.0.1:${(e.address() as AddressInfo).port}/interactions`),
    );
  } else {
    const gateway = createDiscordClient(fake.restUrl, { waitGuildTimeout: 100 });
    client = gateway;
    attachDiscordBot(gateway, deps);
    const ready = new Promise<void>((resolve) => gateway.once('clientReady', () => resolve()));
    await gateway.login(BOT_TOKEN);
    await ready;
  }

  let worker: Worker | undefined;
  let dailyWorker: Worker | undefined;
  const workerSchedules = createDailySchedules(consumer, redisKeys(prefix));
  const stack: DiscordStack = {
    fake,
    client,
    queue,
    reindex,
    app,
    config,
    database,
    prefix,
    env,
    logLines,
    async startWorker() {
      worker = createMoodWorker({
        connection: consumer,
        recommender: app.recommender,
        responders: platformResponders(config, log),
        contexts: createPlaylistContexts(consumer, redisKeys(prefix)),
        concurrency: config.queue.concurrency,
        lockMs: config.queue.lockMs,
        log,
        prefix,
      });
      // The mood of the day posts with the bot token, as the worker process does.
      dailyWorker = createDailyWorker({
        connection: consumer,
        recommender: app.recommender,
        posters: { discord: createDiscordChannelPoster(createBotRest(fake.restUrl, BOT_TOKEN)) },
        contexts: createPlaylistContexts(consumer, redisKeys(prefix)),
        schedules: workerSchedules,
        log,
        prefix,
      });
      await Promise.all([worker.waitUntilReady(), dailyWorker.waitUntilReady()]);
      return worker;
    },
    async stopWorker() {
      await Promise.all([worker?.close(), dailyWorker?.close()]);
      worker = undefined;
      dailyWorker = undefined;
    },
    async close() {
      await stack.stopWorker();
      // destroy the client before the fake goes away: the other way round, discord.js keeps reconnecting
      // and the process never exits
      await client?.destroy();
      for (const server of endpoints) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
      await queue.close();
      await reindex.close();
      await Promise.all([deps.daily?.close(), workerSchedules.close()]);
      producer.disconnect();
      consumer.disconnect();
      await app.close();
      await fake.close();
      await database.drop();
      await dropPrefix(prefix, redisUrl);
    },
  };
  return stack;
}

let nextUserId = 700000000000000000n;
/** A fresh Discord user id (snowflake) per call, so per-user cooldowns never interfere. */
export const freshUserId = (): string => String(++nextUserId);

/** A `/mood` interaction as Discord sends it, from a fresh user unless one is given. */
export function moodInteraction(
  fake: FakeDiscord,
  text: string,
  extra: { size?: number; private?: boolean; userId?: string } = {},
) {
  const options: { name: string; type: number; value: string | number | boolean }[] = [
    { name: 'mood', type: ApplicationCommandOptionType.String, value: text },
  ];
  if (extra.size !== undefined)
    options.push({ name: 'size', type: ApplicationCommandOptionType.Integer, value: extra.size });
  if (extra.private !== undefined)
    options.push({ name: 'private', type: ApplicationCommandOptionType.Boolean, value: extra.private });
  return fake.chatInput({ name: 'mood', options: options as never, userId: extra.userId ?? freshUserId() });
}

/** The numbered track lines of a playlist embed (`**1.** [Song](url) — Artist`). */
export const trackLines = (embed: APIEmbed | undefined): string[] =>
  (embed?.description ?? '').split('\n').filter((l) => /^\*\*\d+\.\*\* \[/.test(l));
export const linkOf = (line: string): string | undefined =>
  /\]\((https:\/\/open\.spotify\.com\/[^)\s]+)\)/.exec(line)?.[1];
