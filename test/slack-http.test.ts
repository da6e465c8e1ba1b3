/**
 * The Slack app end to end in HTTP mode: the real Bolt app receives signed slash commands and button clicks,
 * enqueues on real Redis/BullMQ, the real worker recommends on PGlite + pgvector with the local embedder and
 * answers through the Slack responder, against a local fake Slack (Web API and response_urls).
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type App, webApi } from '@slack/bolt';
import { Queue, type Worker } from 'bullmq';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSlackApp, EVENTS_PATH } from '../bots/slack/app.ts';
import { ACTION_IDS } from '../bots/slack/commands.ts';
import { BLOCK_LIMITS } from '../bots/slack/render.ts';
import { createSlackResponder } from '../bots/slack/responder.ts';
import { loadConfig } from '../core/config.ts';
import { LocalExplainer } from '../core/local/explainer.ts';
import { LocalWriter } from '../core/local/writer.ts';
import { createRecommender, type Recommender } from '../core/recommend.ts';
import { SpotifyLinkResolver } from '../core/spotify/resolver.ts';
import { activate } from '../db/embedding-models.ts';
import { backfillEmbeddings } from '../db/embeddings.ts';
import { ingestCatalog } from '../db/ingest/catalog.ts';
import { createLinkCache } from '../db/link-cache.ts';
import { createSongIndex } from '../db/song-index.ts';
import { type MoodJobResult, QUEUES } from '../workers/jobs.ts';
import { createDeliveryGuard, createRequestLimits } from '../workers/limits.ts';
import { createMoodQueue, type MoodQueue } from '../workers/mood-queue.ts';
import { createMoodWorker } from '../workers/mood-worker.ts';
import { createPlaylistContexts } from '../workers/playlist-context.ts';
import { redisKeys } from '../workers/redis-keys.ts';
import { type FakeSlack, type ResponseUrlPost, startFakeSlack } from './fakes/slack-server.ts';
import { createPGliteDatabase, type TestDatabase } from './support/databases.ts';
import { localEmbedder } from './support/models.ts';
import { dropPrefix, REDIS_URL, testPrefix } from './support/redis.ts';
import { blockActionBody, signedHeaders, slackEncode, slashCommandBody, triggerId } from './support/slack.ts';

const BOT_TOKEN = 'xoxb-test-bot-token';
const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';

// Some names carry Slack control syntax, as a hostile or unlucky catalog might.
const CATALOG = [
  'name,artist,year,genre,tags,popularity',
  'Someone Like You,Adele,2011,pop,sad;mellow;heartbreak;lonely,95',
  'Hurt,Johnny Cash,2002,country,sad;mellow;melancholic,85',
  'Tears in Heaven,Eric Clapton,1992,rock,sad;mellow;heartbreak,80',
  'Everybody Hurts,R.E.M.,1992,alternative,sad;mellow;lonely;hopeful,78',
  'Nothing Compares 2 U,Sinéad O’Connor,1990,pop,sad;mellow;heartbreak,80',
  'The Night We Met,Lord Huron,2015,indie,sad;nostalgic;heartbreak,70',
  'Skinny Love,Bon Iver,2008,indie,sad;mellow;lonely,72',
  'Fix You,Coldplay,2005,rock,sad;hopeful;mellow,88',
  'Mad World,Gary Jules,2001,alternative,sad;melancholic;lonely,74',
  'Yesterday,The Beatles,1965,pop,sad;nostalgic;mellow,90',
  'Creep,Radiohead,1992,alternative,sad;lonely;melancholic,86',
  'Happy,Pharrell Williams,2013,pop,happy;energetic;fun;dance,92',
  'Dancing Queen,ABBA,1976,disco,happy;energetic;dance;party,90',
  'Uptown Funk,Bruno Mars,2014,funk,happy;party;dance;energetic,93',
  'I Gotta Feeling,Black Eyed Peas,2009,pop,happy;party;dance,85',
  'Shut Up and Dance,WALK THE MOON,2014,pop,happy;party;dance,80',
  'Party <!here> Anthem,DJ <@U0BOSS>,2020,dance,party;dance;happy;energetic,60',
  'Rock & <#C0GEN|general> Roll,The <https://evil.example|Clickers>,2019,rock,party;dance;energetic,55',
  '@everyone Dance Now,Crowd @channel,2018,dance,party;dance;happy,50',
  'Eye of the Tiger,Survivor,1982,rock,angry;energetic;workout;triumphant,90',
  'Lose Yourself,Eminem,2002,hip-hop,angry;energetic;workout;triumphant,93',
  'Weightless,Marconi Union,2011,ambient,relaxed;mellow;peaceful;focus,60',
  'Clair de Lune,Claude Debussy,1905,classical,relaxed;mellow;peaceful;dreamy,75',
  'Gymnopédie No.1,Erik Satie,1888,classical,relaxed;mellow;peaceful;melancholic,70',
].join('\n');

let t: TestDatabase;
let recommender: Recommender;
let slack: FakeSlack;

beforeAll(async () => {
  const [db, embedder, fake] = await Promise.all([
    createPGliteDatabase(),
    localEmbedder(),
    startFakeSlack({ botToken: BOT_TOKEN }),
  ]);
  t = db;
  slack = fake;
  const dir = await mkdtemp(path.join(tmpdir(), 'sonic-mood-slack-'));
  await writeFile(path.join(dir, 'catalog.csv'), CATALOG);
  await ingestCatalog(t.db, path.join(dir, 'catalog.csv'));
  const { modelId } = await backfillEmbeddings(t.db, embedder);
  await activate(t.db, modelId);
  const config = loadConfig({ CANDIDATE_POOL: '50' });
  recommender = createRecommender({
    embedder,
    writer: new LocalWriter(embedder),
    index: createSongIndex(t.db),
    links: new SpotifyLinkResolver({ config: config.spotify, cache: createLinkCache(t.db) }),
    explainer: new LocalExplainer(embedder),
    options: config.recommend,
  });
});
afterAll(async () => {
  await Promise.all([t?.drop(), slack?.close()]);
});

/** One Slack deployment: app (HTTP mode), queue and worker on a BullMQ prefix of their own. */
interface Stack {
  readonly eventsUrl: string;
  readonly prefix: string;
  readonly producer: Redis;
  readonly queue: MoodQueue;
  jobCount(): Promise<number>;
  /** The result of a job once it has finished. */
  finished(jobId: string, timeoutMs?: number): Promise<MoodJobResult>;
  close(): Promise<void>;
}

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

async function startStack(options: { cooldownSeconds: number; responseTimeoutMs?: number }): Promise<Stack> {
  const prefix = testPrefix();
  const producer = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  const consumer = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const log = pino({ level: 'silent' });
  const queue: MoodQueue = createMoodQueue(producer, { attempts: 2, prefix });
  const worker: Worker = createMoodWorker({
    connection: consumer,
    recommender,
    responders: {
      slack: createSlackResponder({
        client: new webApi.WebClient(BOT_TOKEN, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } }),
        log,
        isSlackResponseUrl: (url) => url.origin === slack.origin,
        timeoutMs: options.responseTimeoutMs,
      }),
    },
    contexts: createPlaylistContexts(consumer, redisKeys(prefix)),
    concurrency: 2,
    lockMs: 10_000,
    log,
    prefix,
  });
  const app: App = await createSlackApp(
    { mode: 'http', botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET, apiUrl: slack.apiUrl },
    {
      queue,
      limits: createRequestLimits(producer, {
        cooldownSeconds: options.cooldownSeconds,
        groupHourlyCap: 1000,
        keys: redisKeys(prefix),
      }),
      contexts: createPlaylistContexts(producer, redisKeys(prefix)),
      deliveries: createDeliveryGuard(producer, redisKeys(prefix)),
      log,
    },
  );
  const server = (await app.start(0)) as Server;
  const counter = new Queue(QUEUES.mood, { connection: producer, prefix });
  stack = {
    eventsUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}${EVENTS_PATH}`,
    prefix,
    producer,
    queue,
    async jobCount() {
      const counts = await counter.getJobCounts();
      return Object.values(counts).reduce((sum, n) => sum + n, 0);
    },
    async finished(jobId, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        // The state first, then the job: read the other way round, a job that completes in between reads as
        // completed with the return value it did not have yet.
        const state = await counter.getJobState(jobId);
        const job = await counter.getJob(jobId);
        if (job && state === 'completed') return job.returnvalue as MoodJobResult;
        if (job && state === 'failed') throw new Error(`job ${jobId} failed: ${job.failedReason}`);
        if (Date.now() > deadline) throw new Error(`job ${jobId} still ${state ?? 'missing'}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async close() {
      await app.stop();
      await worker.close();
      await counter.close();
      await queue.close();
      producer.disconnect();
      consumer.disconnect();
      await dropPrefix(prefix);
    },
  };
  return stack;
}

async function post(
  url: string,
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: unknown; ms: number }> {
  const started = performance.now();
  const response = await fetch(url, { method: 'POST', headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {}
  return { status: response.status, body: parsed, ms: performance.now() - started };
}

const sendSigned = (s: Stack, body: string, extra: Record<string, string> = {}) =>
  post(s.eventsUrl, body, { ...signedHeaders(SIGNING_SECRET, body), ...extra });

async function until<T>(probe: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}

const settle = (ms = 400) => new Promise((r) => setTimeout(r, ms));

interface Message {
  text: string;
  blocks: { type: string; [key: string]: unknown }[];
  response_type?: string;
  replace_original?: boolean;
}

/** Checks Block Kit's limits and shape, and returns the track lines (one section each). */
function expectValidPlaylist(message: Message, tracks: number): string[] {
  expect(typeof message.text).toBe('string');
  expect(message.text.length).toBeGreaterThan(0);
  expect(message.blocks.length).toBeLessThanOrEqual(BLOCK_LIMITS.blocks);
  const [header, context] = message.blocks;
  expect(header?.type).toBe('header');
  const headerObject = header?.text as { type: string; text: string };
  expect(headerObject.type).toBe('plain_text');
  const headerText = headerObject.text;
  expect(headerText.length).toBeGreaterThan(0);
  expect(headerText.length).toBeLessThanOrEqual(BLOCK_LIMITS.header);
  expect(context?.type).toBe('context');
  expect(JSON.stringify(context)).toMatch(/for “.+”/);
  expect(JSON.stringify(context)).toMatch(/\d+ ms/);

  const sections = message.blocks.filter((b) => b.type === 'section');
  const lines = sections.map((s) => (s.text as { text: string }).text);
  for (const line of lines) expect(line.length).toBeLessThanOrEqual(BLOCK_LIMITS.sectionText);
  expect(lines).toHaveLength(tracks);
  for (const line of lines)
    expect(line).toMatch(/^\*\d+\.\* <https:\/\/open\.spotify\.com\/[^|<>\s]+\|[^<>]+> — /);

  const actions = message.blocks.at(-1) as { type: string; elements: Record<string, unknown>[] };
  expect(actions.type).toBe('actions');
  expect(actions.elements.map((e) => e.action_id)).toEqual([
    ACTION_IDS.take,
    ACTION_IDS.like,
    ACTION_IDS.refine,
    ACTION_IDS.up,
    ACTION_IDS.down,
    ACTION_IDS.swap,
  ]);
  const swap = actions.elements.at(-1) as { type: string; options: { value: string }[] };
  expect(swap.type).toBe('static_select');
  expect(swap.options).toHaveLength(tracks);
  for (const option of swap.options) expect(option.value).toMatch(/^[\w-]{1,32}:\d+$/);
  for (const button of actions.elements.filter((e) => e.type === 'button')) {
    expect((button.text as { text: string }).text.length).toBeLessThanOrEqual(BLOCK_LIMITS.buttonText);
    expect(String(button.value).length).toBeLessThanOrEqual(BLOCK_LIMITS.buttonValue);
    expect(button.value).toMatch(/^[\w-]{1,32}$/);
  }
  return lines;
}

const songNames = (lines: string[]) => lines.map((l) => /\|([^>]+)>/.exec(l)?.[1]);
const playlistId = (message: Message) =>
  String((message.blocks.at(-1) as unknown as { elements: { value: string }[] }).elements[0]?.value);

async function onePlaylistAt(url: string): Promise<Message> {
  const [only] = await until(() => slack.postsTo(url).length > 0 && slack.postsTo(url));
  await settle();
  expect(slack.postsTo(url)).toHaveLength(1);
  return (only as ResponseUrlPost).body as Message;
}

describe('Slack app over HTTP', () => {
  it('acks a signed /mood with an ephemeral brewing note, then posts exactly one playlist to the response_url', async () => {
    const s = await startStack({ cooldownSeconds: 0 });
    const url = slack.responseUrl();
    const ack = await sendSigned(
      s,
      slashCommandBody({ text: 'heartbroken and crying size:5', responseUrl: url }),
    );
    expect(ack.status).toBe(200);
    expect(ack.ms).toBeLessThan(3000);
    expect(ack.body).toEqual({
      response_type: 'ephemeral',
      text: ':hourglass_flowing_sand: Brewing a playlist for “heartbroken and crying”…',
    });

    const message = await onePlaylistAt(url);
    expect(message.response_type).toBe('in_channel');
    expect(message.replace_original).toBe(false);
    expectValidPlaylist(message, 5);
    expect(await s.jobCount()).toBe(1);
    // The response_url needs no token, and nothing went through the bot token.
    expect(slack.postsTo(url)[0]?.headers.authorization).toBeUndefined();
    expect(slack.calls.filter((c) => c.method.startsWith('chat.'))).toEqual([]);
  });

  it('a private request replaces the brewing note with an ephemeral playlist; empty text gets help', async () => {
    const s = await startStack({ cooldownSeconds: 0 });
    const url = slack.responseUrl();
    await sendSigned(s, slashCommandBody({ text: 'calm and peaceful size:6 private', responseUrl: url }));
    const message = await onePlaylistAt(url);
    expect(message.response_type).toBe('ephemeral');
    expect(message.replace_original).toBe(true);
    expectValidPlaylist(message, 6);

    const help = await sendSigned(s, slashCommandBody({ text: '  ', responseUrl: slack.responseUrl() }));
    expect(help.body).toMatchObject({ response_type: 'ephemeral', text: expect.stringMatching(/size:15/) });
    const tooBig = await sendSigned(
      s,
      slashCommandBody({ text: 'sad size:99', responseUrl: slack.responseUrl() }),
    );
    expect(tooBig.body).toMatchObject({ text: expect.stringMatching(/from 5 to 25/) });
    expect(await s.jobCount()).toBe(1);
  });

  it('rejects unsigned, wrongly signed and stale requests with 401 and enqueues nothing', async () => {
    const s = await startStack({ cooldownSeconds: 0 });
    const url = slack.responseUrl();
    const body = slashCommandBody({ text: 'happy dance party', responseUrl: url });
    const form = { 'content-type': 'application/x-www-form-urlencoded' };

    const unsigned = await post(s.eventsUrl, body, form);
    const wrongSecret = await post(s.eventsUrl, body, signedHeaders('not-the-signing-secret', body));
    const tampered = await post(
      s.eventsUrl,
      body.replace('happy', 'angry'),
      signedHeaders(SIGNING_SECRET, body),
    );
    const stale = await post(
      s.eventsUrl,
      body,
      signedHeaders(SIGNING_SECRET, body, Math.floor(Date.now() / 1000) - 6 * 60),
    );
    // Slack's rule is |now − X-Slack-Request-Timestamp| ≤ 5 min: a request dated ahead is refused too.
    const ahead = await post(
      s.eventsUrl,
      body,
      signedHeaders(SIGNING_SECRET, body, Math.floor(Date.now() / 1000) + 10 * 60),
    );
    for (const answer of [unsigned, wrongSecret, tampered, stale, ahead]) {
      expect(answer.status).toBe(401);
      expect(answer.body).toBe('');
    }
    await settle(300);
    expect(await s.jobCount()).toBe(0);
    expect(slack.postsTo(url)).toEqual([]);
  });

  it('a redelivery of the same command (X-Slack-Retry-Num, same trigger_id) makes no second job', async () => {
    const s = await startStack({ cooldownSeconds: 30 });
    const url = slack.responseUrl();
    const body = slashCommandBody({
      text: 'pump-up workout size:5',
      responseUrl: url,
      triggerId: triggerId(),
    });
    const first = await sendSigned(s, body);
    // Slack signs each attempt anew, so the retry has its own timestamp; body and trigger_id are the same.
    await settle(1100);
    const retry = await sendSigned(s, body, {
      'x-slack-retry-num': '1',
      'x-slack-retry-reason': 'http_timeout',
    });
    // The retry is not charged to the cooldown: it gets the same brewing note, not "try again".
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(first.body);

    await onePlaylistAt(url);
    await settle(300);
    expect(slack.postsTo(url)).toHaveLength(1);
    expect(await s.jobCount()).toBe(1);
  });

  it('buttons: "Another take" and "More like this" post new takes without the songs already shown', async () => {
    const s = await startStack({ cooldownSeconds: 0 });
    const url = slack.responseUrl();
    await sendSigned(s, slashCommandBody({ text: 'sad and lonely size:5', responseUrl: url }));
    const first = await onePlaylistAt(url);
    const firstSongs = songNames(expectValidPlaylist(first, 5));

    const takeUrl = slack.responseUrl();
    const click = blockActionBody({
      actionId: ACTION_IDS.take,
      value: playlistId(first),
      responseUrl: takeUrl,
    });
    const clicked = await sendSigned(s, click);
    expect(clicked.status).toBe(200);
    const take = await onePlaylistAt(takeUrl);
    expect(take.response_type).toBe('in_channel');
    expect(take.replace_original).toBe(false);
    const takeSongs = songNames(expectValidPlaylist(take, 5));
    expect(takeSongs.filter((name) => firstSongs.includes(name))).toEqual([]);

    const likeUrl = slack.responseUrl();
    await sendSigned(
      s,
      blockActionBody({
        actionId: ACTION_IDS.like,
        value: playlistId(take),
        responseUrl: likeUrl,
        userId: 'U0BOB',
      }),
    );
    const like = await onePlaylistAt(likeUrl);
    const likeSongs = songNames(expectValidPlaylist(like, 5));
    expect(likeSongs.filter((name) => firstSongs.includes(name) || takeSongs.includes(name))).toEqual([]);
    expect(await s.jobCount()).toBe(3);

    // A click on a playlist whose context is gone gets a polite note and no job.
    const staleUrl = slack.responseUrl();
    await sendSigned(
      s,
      blockActionBody({ actionId: ACTION_IDS.take, value: 'gone-gone-gone', responseUrl: staleUrl }),
    );
    const [note] = await until(() => slack.postsTo(staleUrl).length > 0 && slack.postsTo(staleUrl));
    expect(note?.body).toMatchObject({
      response_type: 'ephemeral',
      replace_original: false,
      text: /too old/,
    });
    expect(await s.jobCount()).toBe(3);
  });

  it('escapes mention and mrkdwn injection from the mood and from song names', async () => {
    const s = await startStack({ cooldownSeconds: 0 });
    const url = slack.responseUrl();
    const mood =
      '<!channel> happy dance party <@U0ADMIN> @here <#C0GEN|general> <https://evil.example|win> & more';
    const ack = await sendSigned(s, slashCommandBody({ text: `${mood} size:8`, responseUrl: url }));
    const message = await onePlaylistAt(url);
    expectValidPlaylist(message, 8);

    const hostileSongs = ['Party', 'Rock &amp;', 'Dance Now'];
    const lines = message.blocks
      .filter((b) => b.type === 'section')
      .map((b) => (b.text as { text: string }).text);
    expect(hostileSongs.filter((name) => lines.some((l) => l.includes(name))).length).toBeGreaterThanOrEqual(
      2,
    );

    for (const text of [JSON.stringify(ack.body), JSON.stringify(message)]) {
      // The only angle brackets left are our own Spotify links.
      const brackets = text.match(/<[^>]*>/g) ?? [];
      for (const b of brackets) expect(b).toMatch(/^<https:\/\/open\.spotify\.com\/[^|<>\s]+\|[^<>]*>$/);
      expect(text).not.toMatch(/@(here|channel|everyone)\b/i);
      expect(text).not.toContain('<https://evil');
    }
    expect(JSON.stringify(message)).toContain('Party &lt;!here&gt; Anthem');
    expect(JSON.stringify(message)).toContain('DJ &lt;@U0BOSS&gt;');
    // The link is not echoed (its label is a word of the mood); the rest is escaped once.
    expect(JSON.stringify(ack.body)).toContain('win &amp; more');
    expect(JSON.stringify(ack.body)).not.toContain('evil.example');
    // verbatim: Slack must not auto-link or parse anything in our mrkdwn.
    for (const b of message.blocks.filter((x) => x.type === 'section'))
      expect((b.text as { verbatim: boolean }).verbatim).toBe(true);
  });

  it('a second /mood within the cooldown gets a friendly "try again in N s" and no job', async () => {
    const s = await startStack({ cooldownSeconds: 30 });
    const first = await sendSigned(
      s,
      slashCommandBody({ text: 'slow and mellow size:5', responseUrl: slack.responseUrl() }),
    );
    expect(first.body).toMatchObject({ text: /Brewing/ });
    const again = await sendSigned(
      s,
      slashCommandBody({ text: 'slow and mellow', responseUrl: slack.responseUrl() }),
    );
    expect(again.status).toBe(200);
    expect(again.body).toEqual({
      response_type: 'ephemeral',
      text: expect.stringMatching(/^You're brewing playlists fast! Try again in (29|30) s\.$/),
    });
    // Same user in another workspace: a cooldown of its own.
    const elsewhere = await sendSigned(
      s,
      slashCommandBody({ text: 'slow and mellow', responseUrl: slack.responseUrl(), teamId: 'T0OTHER' }),
    );
    expect(elsewhere.body).toMatchObject({ text: /Brewing/ });
    // Acked first, enqueued right after: give the second enqueue its moment.
    for (let i = 0; i < 40 && (await s.jobCount()) < 2; i++) await settle(25);
    await settle(200);
    expect(await s.jobCount()).toBe(2);
  });

  it('falls back to the bot token when the response_url answers 404 (chat.postMessage, or postEphemeral when private)', async () => {
    const s = await startStack({ cooldownSeconds: 0 });
    const before = slack.calls.length;
    const url = slack.responseUrl();
    slack.failResponseUrl(url, 404, 'expired_url');
    await sendSigned(
      s,
      slashCommandBody({ text: 'happy dance party size:5', responseUrl: url, channelId: 'C0PARTY' }),
    );
    const posted = await until(() => slack.calls.slice(before).find((c) => c.method === 'chat.postMessage'));
    expect(posted.token).toBe(BOT_TOKEN);
    expect(posted.body.channel).toBe('C0PARTY');
    expectValidPlaylist(posted.body as unknown as Message, 5);

    const privateUrl = slack.responseUrl();
    slack.failResponseUrl(privateUrl, 404, 'used_url');
    await sendSigned(
      s,
      slashCommandBody({ text: 'relaxed size:5 private', responseUrl: privateUrl, userId: 'U0CAROL' }),
    );
    const whispered = await until(() =>
      slack.calls.slice(before).find((c) => c.method === 'chat.postEphemeral'),
    );
    expect(whispered.token).toBe(BOT_TOKEN);
    expect(whispered.body).toMatchObject({ channel: 'C0MUSIC', user: 'U0CAROL' });
    await settle();
    // One attempt at each response_url, one fallback post each: exactly one playlist per command.
    expect(slack.postsTo(url)).toHaveLength(1);
    expect(slack.postsTo(privateUrl)).toHaveLength(1);
    expect(slack.calls.slice(before).filter((c) => c.method.startsWith('chat.'))).toHaveLength(2);
  });

  it('accepts a request dated a little ahead, inside the five minutes', async () => {
    const s = await startStack({ cooldownSeconds: 0 });
    const body = slashCommandBody({ text: 'happy dance party size:5', responseUrl: slack.responseUrl() });
    const answer = await post(
      s.eventsUrl,
      body,
      signedHeaders(SIGNING_SECRET, body, Math.floor(Date.now() / 1000) + 4 * 60),
    );
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ text: /Brewing/ });
  });

  it('reads the entities Slack encodes (&amp; &lt; &gt;) as the characters the user typed, once', async () => {
    const s = await startStack({ cooldownSeconds: 0 });
    const url = slack.responseUrl();
    const trigger = triggerId();
    const ack = await sendSigned(
      s,
      slashCommandBody({ text: slackEncode('rock & roll <3 size:5'), responseUrl: url, triggerId: trigger }),
    );
    // mrkdwn shows `&amp;` as "&": escaped once, not the `&amp;amp;` Slack would show literally.
    expect(ack.body).toEqual({
      response_type: 'ephemeral',
      text: ':hourglass_flowing_sand: Brewing a playlist for “rock &amp; roll &lt;3”…',
    });
    expect((await s.finished(`slack-${trigger}`)).status).toBe('delivered');
    const message = await onePlaylistAt(url);
    const header = (message.blocks[0]?.text as { text: string } | undefined)?.text;
    expect(header).not.toMatch(/\b(Amp|Lt|Gt)\b/);
    expect(message.text).toContain('for “rock &amp; roll &lt;3”');

    // A mention typed out by hand arrives encoded; decoded, it is stripped like any mention.
    const typed = await sendSigned(
      s,
      slashCommandBody({ text: slackEncode('<@U0BOSS> <!here> happy'), responseUrl: slack.responseUrl() }),
    );
    expect(typed.body).toMatchObject({ text: ':hourglass_flowing_sand: Brewing a playlist for “happy”…' });
  });

  it('"Another take" right after a playlist is not refused by the cooldown: buttons have their own budget', async () => {
    const s = await startStack({ cooldownSeconds: 30 });
    const url = slack.responseUrl();
    await sendSigned(s, slashCommandBody({ text: 'sad and lonely size:5', responseUrl: url }));
    const first = await onePlaylistAt(url);

    const takeUrl = slack.responseUrl();
    await sendSigned(
      s,
      blockActionBody({ actionId: ACTION_IDS.take, value: playlistId(first), responseUrl: takeUrl }),
    );
    const take = await onePlaylistAt(takeUrl);
    expect(take.text).not.toMatch(/Try again/);
    expectValidPlaylist(take, 5);
    // The typed command's cooldown is untouched by the press, and still applies.
    const again = await sendSigned(
      s,
      slashCommandBody({ text: 'sad and lonely', responseUrl: slack.responseUrl() }),
    );
    expect(again.body).toMatchObject({ text: /Try again in \d+ s/ });
  });

  it('a slow response_url (taken, answered after the timeout) ends in one playlist: the retry does not post again', async () => {
    const s = await startStack({ cooldownSeconds: 0, responseTimeoutMs: 500 });
    const before = slack.calls.length;
    const url = slack.responseUrl();
    slack.slowResponseUrl(url, 1_500);
    const trigger = triggerId();
    await sendSigned(
      s,
      slashCommandBody({ text: 'happy dance party size:5', responseUrl: url, triggerId: trigger }),
    );
    // Attempt 1 times out after posting; attempt 2 (after BullMQ's backoff) finds the post may have landed.
    expect(await s.finished(`slack-${trigger}`)).toEqual({ status: 'unconfirmed' });
    await settle(1_500);
    const posts = slack.postsTo(url).map((p) => p.body as Message);
    expect(posts).toHaveLength(1);
    expect(posts[0]?.response_type).toBe('in_channel');
    expect(slack.calls.slice(before).filter((c) => c.method.startsWith('chat.'))).toEqual([]);
  });

  it('a playlist Slack refuses everywhere (spent URL, not_in_channel) is not counted delivered, and the requester is told', async () => {
    const s = await startStack({ cooldownSeconds: 0 });
    const before = slack.calls.length;
    const url = slack.responseUrl();
    slack.failResponseUrl(url, 404, 'used_url');
    slack.refuseChannel('C0SECRET', 'not_in_channel');
    const trigger = triggerId();
    await sendSigned(
      s,
      slashCommandBody({
        text: 'calm and peaceful size:5',
        responseUrl: url,
        triggerId: trigger,
        channelId: 'C0SECRET',
        userId: 'U0DANA',
      }),
    );
    expect(await s.finished(`slack-${trigger}`)).toEqual({
      status: 'undelivered',
      reason: 'Slack refused the post (not_in_channel)',
    });
    const calls = slack.calls.slice(before).filter((c) => c.method === 'chat.postMessage');
    expect(calls.map((c) => c.body.channel)).toEqual(['C0SECRET', 'U0DANA']);
    expect(String(calls[1]?.body.text)).toMatch(/could not post it .*not_in_channel.*\/invite/);
  });

  it('a job past its reply window is not brewed, and the requester is told privately', async () => {
    const s = await startStack({ cooldownSeconds: 0 });
    const before = slack.calls.length;
    const url = slack.responseUrl();
    slack.expireResponseUrl(url);
    const jobId = `slack-${triggerId()}`;
    await s.queue.enqueue(jobId, {
      v: 1,
      kind: 'mood',
      mood: 'late night drive',
      size: 5,
      userId: 'U0ERIN',
      groupId: 'T0FAKE',
      requestedAt: Date.now() - 31 * 60_000,
      target: {
        platform: 'slack',
        responseUrl: url,
        teamId: 'T0FAKE',
        channelId: 'C0MUSIC',
        userId: 'U0ERIN',
        ephemeral: false,
      },
    });
    expect(await s.finished(jobId)).toEqual({ status: 'expired' });
    const told = slack.calls.slice(before).filter((c) => c.method.startsWith('chat.'));
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({
      method: 'chat.postEphemeral',
      body: { channel: 'C0MUSIC', user: 'U0ERIN', text: expect.stringMatching(/too busy .* in time/) },
    });
  });
});
