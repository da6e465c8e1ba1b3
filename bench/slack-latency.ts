/**
 * `npm run bench:slack -- [--engine postgres|pglite] [--count 50]`: time from a Slack `/mood` (a signed
 * HTTP request) to the playlist posted at its response_url, over the local stack as it is deployed: the
 * `sonic-mood slack` process in HTTP mode (its own process, as in production, so the worker's CPU work does
 * not sit in its event loop), a fake Slack, Redis/BullMQ, and a worker running the core with the local models
 * on the demo catalog, on native PostgreSQL (TEST_PG_ADMIN_URL, default
 * postgres://postgres@127.0.0.1:5432/postgres) or embedded PGlite.
 * `count` commands one after another, then `count` at once. Prints p50/p95/max, and the ack times.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { webApi } from '@slack/bolt';
import { Command, InvalidArgumentError, Option } from 'commander';
import { Redis } from 'ioredis';
import pino from 'pino';
import { EVENTS_PATH } from '../bots/slack/app.ts';
import { createSlackResponder } from '../bots/slack/responder.ts';
import { DEMO_CATALOG } from '../cli/catalog-setup.ts';
import { loadConfig } from '../core/config.ts';
import { LocalExplainer } from '../core/local/explainer.ts';
import { LocalWriter } from '../core/local/writer.ts';
import { createRecommender } from '../core/recommend.ts';
import { SpotifyLinkResolver } from '../core/spotify/resolver.ts';
import { activate } from '../db/embedding-models.ts';
import { backfillEmbeddings } from '../db/embeddings.ts';
import { ingestCatalog } from '../db/ingest/catalog.ts';
import { createLinkCache } from '../db/link-cache.ts';
import { createSongIndex } from '../db/song-index.ts';
import { startFakeSlack } from '../test/fakes/slack-server.ts';
import { createPGliteDatabase, createPostgresDatabase } from '../test/support/databases.ts';
import { localEmbedder } from '../test/support/models.ts';
import { SAMPLE_MOODS } from '../test/support/moods.ts';
import { dropPrefix, REDIS_URL, testPrefix } from '../test/support/redis.ts';
import { signedHeaders, slashCommandBody } from '../test/support/slack.ts';
import { createMoodWorker } from '../workers/mood-worker.ts';
import { createPlaylistContexts } from '../workers/playlist-context.ts';
import { redisKeys } from '../workers/redis-keys.ts';

const BOT_TOKEN = 'xoxb-bench-bot-token';
const SIGNING_SECRET = 'bench-signing-secret';

const options = new Command()
  .addOption(
    new Option('--engine <engine>', 'database engine').choices(['postgres', 'pglite']).default('postgres'),
  )
  .option(
    '--count <n>',
    'commands per run',
    (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > 1000) throw new InvalidArgumentError('1 to 1000');
      return n;
    },
    50,
  )
  .parse()
  .opts<{ engine: 'postgres' | 'pglite'; count: number }>();

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

const config = loadConfig({ REDIS_URL });
const prefix = testPrefix();
const log = pino({ level: 'warn' });
const [database, embedder, slack] = await Promise.all([
  options.engine === 'pglite' ? createPGliteDatabase() : createPostgresDatabase(),
  localEmbedder(),
  startFakeSlack({ botToken: BOT_TOKEN }),
]);
await ingestCatalog(database.db, DEMO_CATALOG);
const { modelId } = await backfillEmbeddings(database.db, embedder);
await activate(database.db, modelId);
const recommender = createRecommender({
  embedder,
  writer: new LocalWriter(embedder),
  index: createSongIndex(database.db),
  links: new SpotifyLinkResolver({ config: config.spotify, cache: createLinkCache(database.db) }),
  explainer: new LocalExplainer(embedder),
  options: config.recommend,
});

const consumer = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
const worker = createMoodWorker({
  connection: consumer,
  recommender,
  responders: {
    slack: createSlackResponder({
      client: new webApi.WebClient(BOT_TOKEN, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } }),
      log,
      isSlackResponseUrl: (url) => url.origin === slack.origin,
    }),
  },
  contexts: createPlaylistContexts(consumer, redisKeys(prefix)),
  concurrency: config.queue.concurrency,
  lockMs: config.queue.lockMs,
  log,
  prefix,
});
await worker.waitUntilReady();
const port = await new Promise<number>((resolve) => {
  const probe = createServer().listen(0, () => {
    const { port } = probe.address() as { port: number };
    probe.close(() => resolve(port));
  });
});
const bot = spawn('node', ['bin/sonic-mood.js', 'slack'], {
  env: {
    ...process.env,
    SLACK_MODE: 'http',
    SLACK_PORT: String(port),
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_APP_TOKEN: '',
    SLACK_API_URL: slack.apiUrl,
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    COOLDOWN_SECONDS: '0',
    GROUP_HOURLY_CAP: '100000',
    HEALTH_PORT: '0',
    LOG_LEVEL: 'warn',
  },
  stdio: ['ignore', 'inherit', 'inherit'],
});
const eventsUrl = `http://127.0.0.1:${port}${EVENTS_PATH}`;
for (const started = Date.now(); ; ) {
  // Unsigned: the app answers 401 once it listens.
  const listening = await fetch(eventsUrl, { method: 'POST' }).then(
    (r) => r.status === 401,
    () => false,
  );
  if (listening) break;
  if (bot.exitCode !== null || Date.now() - started > 60_000)
    throw new Error('sonic-mood slack did not start');
  await new Promise((r) => setTimeout(r, 100));
}

async function fire(i: number): Promise<{ ack: number; total: number }> {
  const responseUrl = slack.responseUrl();
  const body = slashCommandBody({
    text: `${SAMPLE_MOODS[i % SAMPLE_MOODS.length]} size:10`,
    responseUrl,
    userId: `U${String(i).padStart(8, '0')}`,
  });
  const started = Date.now();
  const response = await fetch(eventsUrl, {
    method: 'POST',
    headers: signedHeaders(SIGNING_SECRET, body),
    body,
  });
  await response.text();
  const ack = Date.now() - started;
  const deadline = started + 120_000;
  for (;;) {
    const posted = slack.postsTo(responseUrl)[0];
    if (posted) return { ack, total: posted.at - started };
    if (Date.now() > deadline) throw new Error(`no playlist for command ${i}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

try {
  await fire(9999); // warm-up: JIT, connection pools, first query plans
  const sequential: { ack: number; total: number }[] = [];
  for (let i = 0; i < options.count; i++) sequential.push(await fire(i));
  const burst = await Promise.all(Array.from({ length: options.count }, (_, i) => fire(1000 + i)));
  const row = (name: string, values: number[]) => {
    const s = [...values].sort((a, b) => a - b);
    return `| ${name} | ${values.length} | ${percentile(s, 50)} | ${percentile(s, 95)} | ${s.at(-1)} |`;
  };
  console.log(
    `\nSlack /mood → playlist at the response_url, ms (${options.engine}, demo catalog, local models, ` +
      `worker concurrency ${config.queue.concurrency})\n`,
  );
  console.log('| run | commands | p50 | p95 | max |\n| --- | ---: | ---: | ---: | ---: |');
  console.log(
    row(
      'one at a time',
      sequential.map((r) => r.total),
    ),
  );
  console.log(
    row(
      `${options.count} at once`,
      burst.map((r) => r.total),
    ),
  );
  console.log(
    row(
      'ack (HTTP response), one at a time',
      sequential.map((r) => r.ack),
    ),
  );
  console.log(
    row(
      `ack (HTTP response), ${options.count} at once`,
      burst.map((r) => r.ack),
    ),
  );
} finally {
  const exited = new Promise((resolve) => bot.once('exit', resolve));
  bot.kill('SIGTERM');
  await exited;
  await worker.close();
  consumer.disconnect();
  await slack.close();
  await database.drop();
  await dropPrefix(prefix);
}
