/**
 * `/mood-daily` on Slack end to end: the Bolt app asks users.info whether the user is a workspace admin,
 * the admission writes the channel's job scheduler, and the worker's daily consumer posts with
 * chat.postMessage on the fake Slack; the test promotes the scheduler's delayed job, as the day arriving would.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type App, webApi } from '@slack/bolt';
import { Queue, type Worker } from 'bullmq';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackApp } from '../bots/slack/app.ts';
import { createSlackChannelPoster } from '../bots/slack/channel-poster.ts';
import { loadConfig } from '../core/config.ts';
import { LocalWriter } from '../core/local/writer.ts';
import { createRecommender } from '../core/recommend.ts';
import { activate } from '../db/embedding-models.ts';
import { backfillEmbeddings } from '../db/embeddings.ts';
import { ingestCatalog } from '../db/ingest/catalog.ts';
import { createSongIndex } from '../db/song-index.ts';
import { createDailySchedules, type DailySchedules, schedulerId } from '../workers/daily.ts';
import { createDailyWorker } from '../workers/daily-worker.ts';
import { QUEUES } from '../workers/jobs.ts';
import { createDeliveryGuard, createRequestLimits } from '../workers/limits.ts';
import { createMoodQueue, type MoodQueue } from '../workers/mood-queue.ts';
import { createPlaylistContexts } from '../workers/playlist-context.ts';
import { redisKeys } from '../workers/redis-keys.ts';
import { type FakeSlack, startFakeSlack } from './fakes/slack-server.ts';
import { createPGliteDatabase, type TestDatabase } from './support/databases.ts';
import { eventually } from './support/eventually.ts';
import { localEmbedder } from './support/models.ts';
import { dropPrefix, REDIS_URL, testPrefix } from './support/redis.ts';

const BOT_TOKEN = 'xoxb-daily-bot-token';
const APP_TOKEN = 'xapp-1-daily-app-token';
const CHANNEL = 'C0DAILY';

let t: TestDatabase;
let slack: FakeSlack;
let prefix: string;
let producer: Redis;
let consumer: Redis;
let queue: MoodQueue;
let daily: Queue;
let botSchedules: DailySchedules;
let workerSchedules: DailySchedules;
let worker: Worker;
let app: App;

beforeAll(async () => {
  const [db, embedder, fake] = await Promise.all([
    createPGliteDatabase(),
    localEmbedder(),
    startFakeSlack({ botToken: BOT_TOKEN, appToken: APP_TOKEN }),
  ]);
  t = db;
  slack = fake;
  slack.addUser({ id: 'U0ADMIN', isAdmin: true });
  slack.addUser({ id: 'U0MEMBER', isAdmin: false });
  const dir = await mkdtemp(path.join(tmpdir(), 'sonic-mood-slack-daily-'));
  const songs = Array.from(
    { length: 30 },
    (_, i) => `Morning Song ${i},Artist ${i},${1990 + i},pop,happy;morning;sunny,${50 + i}`,
  );
  await writeFile(
    path.join(dir, 'catalog.csv'),
    ['name,artist,year,genre,tags,popularity', ...songs].join('\n'),
  );
  await ingestCatalog(t.db, path.join(dir, 'catalog.csv'));
  const { modelId } = await backfillEmbeddings(t.db, embedder);
  await activate(t.db, modelId);

  prefix = testPrefix();
  producer = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  consumer = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const keys = redisKeys(prefix);
  const log = pino({ level: 'silent' });
  queue = createMoodQueue(producer, { attempts: 2, prefix });
  daily = new Queue(QUEUES.daily, { connection: producer, prefix });
  botSchedules = createDailySchedules(producer, keys);
  workerSchedules = createDailySchedules(consumer, keys);
  worker = createDailyWorker({
    connection: consumer,
    recommender: createRecommender({
      embedder,
      writer: new LocalWriter(embedder),
      index: createSongIndex(t.db),
      links: {
        name: 'search',
        resolve: async (r) => r.map(() => ({ url: 'https://open.spotify.com/search/x', kind: 'search' })),
      },
      options: loadConfig({ CANDIDATE_POOL: '50' }).recommend,
    }),
    posters: {
      slack: createSlackChannelPoster(
        new webApi.WebClient(BOT_TOKEN, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } }),
      ),
    },
    contexts: createPlaylistContexts(consumer, keys),
    schedules: workerSchedules,
    log,
    prefix,
  });
  app = await createSlackApp(
    { mode: 'socket', botToken: BOT_TOKEN, signingSecret: '', appToken: APP_TOKEN, apiUrl: slack.apiUrl },
    {
      queue,
      limits: createRequestLimits(producer, { cooldownSeconds: 0, groupHourlyCap: 1000, keys }),
      contexts: createPlaylistContexts(producer, keys),
      deliveries: createDeliveryGuard(producer, keys),
      daily: botSchedules,
      log,
    },
  );
  await app.start();
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await worker?.close();
  await Promise.all([botSchedules?.close(), workerSchedules?.close(), daily?.close(), queue?.close()]);
  producer?.disconnect();
  consumer?.disconnect();
  await Promise.all([t?.drop(), slack?.close()]);
  if (prefix) await dropPrefix(prefix);
});

/** `/mood-daily <text>` by `user`, and the private answer posted to its response_url. */
async function command(text: string, user: string) {
  const responseUrl = slack.responseUrl();
  const ack = await slack.sendEnvelope('slash_commands', {
    token: 'deprecated-verification-token',
    team_id: 'T0FAKE',
    team_domain: 'fake',
    channel_id: CHANNEL,
    channel_name: 'daily',
    user_id: user,
    user_name: user,
    command: '/mood-daily',
    text,
    api_app_id: 'A0FAKE',
    response_url: responseUrl,
    trigger_id: slack.triggerId(user),
  });
  if (ack.payload && Object.keys(ack.payload).length > 0) return ack.payload as { text: string };
  return (await eventually(() => slack.postsTo(responseUrl)[0])).body as {
    text: string;
    response_type: string;
  };
}

const id = schedulerId({ platform: 'slack', channelId: CHANNEL });

describe('/mood-daily on Slack', () => {
  it('only a workspace admin sets it; it then posts the channel a playlist when the day comes', async () => {
    const refused = await command('set 07:45 morning sunshine', 'U0MEMBER');
    expect(refused.text).toMatch(/^Only workspace admins can set or stop/);
    expect(await daily.getJobScheduler(id)).toBeUndefined();

    const set = await command('set 07:45 America/New_York morning sunshine size:6', 'U0ADMIN');
    expect(set).toMatchObject({ response_type: 'ephemeral' });
    expect(set.text).toMatch(
      /^Every day at 07:45 \(America\/New_York\) I'll post a playlist for “morning sunshine” here; the first one <!date\^\d+\^/,
    );
    expect(await daily.getJobScheduler(id)).toMatchObject({ pattern: '45 7 * * *', tz: 'America/New_York' });

    const before = slack.messagesIn(CHANNEL).length;
    const job = await eventually(async () => (await daily.getDelayed()).find((j) => j.repeatJobKey === id));
    await job.promote();
    const post = await eventually(() => slack.messagesIn(CHANNEL)[before]);
    expect(post.botId).toBeDefined();
    expect(post.blocks.filter((b) => (b as { type: string }).type === 'section')).toHaveLength(6);

    const shown = await command('show', 'U0MEMBER');
    expect(shown.text).toMatch(/“morning sunshine”, 6 songs every day at 07:45 \(America\/New_York\)/);
  });

  it('stops itself once the bot cannot post in the channel any more', async () => {
    slack.refuseChannel(CHANNEL, 'is_archived');
    const job = await eventually(async () => (await daily.getDelayed()).find((j) => j.repeatJobKey === id));
    await job.promote();
    await eventually(async () => ((await daily.getJobScheduler(id)) ? undefined : true));
    const shown = await command('show', 'U0MEMBER');
    expect(shown.text).toMatch(/stopped <!date\^\d+\^.*: I can no longer post in this channel/);
  });

  it('says how to use it when the text is not a subcommand', async () => {
    const help = await command('tomorrow please', 'U0ADMIN');
    expect(help.text).toMatch(/Mood of the day/);
  });
});
