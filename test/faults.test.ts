/**
 * Faults, one after another, against one `sonic-mood worker` process as the container runs it: Redis
 * restarted mid-run, PostgreSQL restarted mid-run, the OpenAI-compatible API answering 429/500/hangs and
 * then down for good, Spotify rate-limiting. Redis and PostgreSQL are private servers of this file (the
 * shared ones stay up for the other files). Each fault: every request ends in exactly one answer — its
 * playlist once the fault has passed, or one friendly message — and the worker never goes down.
 * (A worker SIGKILLed mid-job: test/worker-process.test.ts.) `npm run soak` holds the Spotify rate limit
 * for a minute instead of a few seconds.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { APIEmbed } from 'discord.js';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MESSAGES } from '../bots/discord/bot.ts';
import { DEMO_CATALOG } from '../cli/catalog-setup.ts';
import { type FakeOpenAI, startFakeOpenAI } from './fakes/openai-server.ts';
import { type FakeSpotify, startFakeSpotify } from './fakes/spotify-server.ts';
import {
  BOT_TOKEN,
  type DiscordStack,
  linkOf,
  moodInteraction,
  startDiscordStack,
  trackLines,
} from './support/discord-stack.ts';
import { SAMPLE_MOODS } from './support/moods.ts';
import { freePort, type RunningProcess, startSonicMood } from './support/processes.ts';
import { moodJobCounts } from './support/redis.ts';
import { type RestartableServer, startPostgresServer, startRedisServer } from './support/servers.ts';

const SOAK = Boolean(process.env.SOAK);
const SPOTIFY_RATE_LIMIT_SECONDS = SOAK ? 60 : 6;
const OPENAI_KEY = 'sk-fault-test-key-0123456789';

let redis: RestartableServer;
let postgres: RestartableServer;
let openai: FakeOpenAI;
let spotify: FakeSpotify;
let stack: DiscordStack;
let worker: RunningProcess;
let healthPort: number;

beforeAll(async () => {
  const songs = parse(readFileSync(DEMO_CATALOG), { columns: true }) as { name: string; artist: string }[];
  // Each is kept as soon as it is up, so afterAll can stop it even when another fails to start.
  await Promise.all([
    startRedisServer().then((s) => (redis = s)),
    startPostgresServer().then((s) => (postgres = s)),
    startFakeOpenAI().then((s) => (openai = s)),
    // Spotify knows every demo song, so a lookup that gets through returns a track link.
    startFakeSpotify({
      clientId: 'fault-id',
      clientSecret: 'fault-secret',
      catalog: songs.map((s, i) => ({ name: s.name, artist: s.artist, id: `track${i}` })),
      searchDelayMs: 20,
    }).then((s) => (spotify = s)),
  ]);
  stack = await startDiscordStack({
    redisUrl: redis.url,
    pgAdminUrl: postgres.url,
    groupHourlyCap: 10_000,
    env: {
      EMBEDDING_PROVIDER: 'openai',
      WRITER_PROVIDER: 'openai',
      OPENAI_BASE_URL: openai.url,
      OPENAI_API_KEY: OPENAI_KEY,
      EMBEDDING_MODEL: 'fake-embed',
      EMBEDDING_DIMENSIONS: '64',
      MODEL_TIMEOUT_MS: '1000',
      MODEL_MAX_RETRIES: '1',
      SPOTIFY_CLIENT_ID: 'fault-id',
      SPOTIFY_CLIENT_SECRET: 'fault-secret',
      SPOTIFY_API_URL: spotify.apiUrl,
      SPOTIFY_ACCOUNTS_URL: spotify.accountsUrl,
      SPOTIFY_TIMEOUT_MS: '2000',
      // Retries 2, 4 and 8 s apart: a database restart of a few seconds on a busy machine is ridden out.
      JOB_ATTEMPTS: '4',
    },
  });
  healthPort = await freePort();
  worker = await startSonicMood(
    ['worker'],
    { ...stack.env, HEALTH_PORT: String(healthPort), LOG_LEVEL: 'info', WORKER_LOCK_MS: '30000' },
    'worker ready',
  );
}, 180_000);

afterAll(async () => {
  try {
    // A test that failed mid-fault may have left a server down; the processes need it to shut down cleanly.
    await Promise.allSettled([redis?.start(), postgres?.start()]);
    if (worker?.alive()) {
      worker.child.kill('SIGTERM');
      const killer = setTimeout(() => worker.child.kill('SIGKILL'), 15_000);
      await worker.exited();
      clearTimeout(killer);
    }
    await stack?.close().catch(() => {});
  } finally {
    await Promise.allSettled([redis?.destroy(), postgres?.destroy(), openai?.close(), spotify?.close()]);
  }
}, 120_000);

const edits = (token: string) => stack.fake.edits.filter((e) => e.token === token);
/** Failures reach only the requester: the public placeholder is deleted and an ephemeral follow-up says why. */
const followUps = (token: string) => stack.fake.followUps.filter((f) => f.token === token);
/** Every answer an interaction got: its playlist (an edit) or a private failure (a follow-up). */
const answers = (token: string) => edits(token).length + followUps(token).length;

function expectPrivateFailure(token: string, content: string): void {
  expect(edits(token)).toEqual([]);
  const replies = followUps(token);
  expect(replies).toHaveLength(1);
  expect(replies[0]?.message.flags).toBe(64);
  expect(replies[0]?.message.content).toBe(content);
  expect(replies[0]?.message.embeds ?? []).toEqual([]);
}
const embedOf = (token: string) => stack.fake.originalMessage(token)?.embeds?.[0] as APIEmbed | undefined;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every interaction this file sent, to check at the end that none was answered twice, however late. */
const everyToken: string[] = [];

function fire(count: number, size = 8): string[] {
  const tokens = Array.from(
    { length: count },
    (_, i) =>
      stack.fake.dispatchInteraction(
        moodInteraction(stack.fake, SAMPLE_MOODS[i % SAMPLE_MOODS.length] ?? '', { size }),
      ).token,
  );
  everyToken.push(...tokens);
  return tokens;
}

/** Waits until every interaction has an answer, then a little longer, so a second answer would show. */
async function answered(tokens: readonly string[], timeoutMs = 60_000): Promise<void> {
  await stack.fake.waitFor(() => {
    // A worker that died answers nothing: say so, with its last words, instead of timing out.
    if (!worker.alive()) throw new Error(`the worker exited:\n${worker.output().slice(-3_000)}`);
    return tokens.every((t) => answers(t) > 0);
  }, timeoutMs);
  await sleep(1_500);
}

function expectPlaylists(tokens: readonly string[], size = 8): void {
  for (const token of tokens) {
    expect(edits(token)).toHaveLength(1);
    const lines = trackLines(embedOf(token));
    expect(lines).toHaveLength(size);
    for (const line of lines) expect(linkOf(line)).toMatch(/^https:\/\/open\.spotify\.com\//);
  }
}

async function expectWorkerHealthy(): Promise<void> {
  expect(worker.alive()).toBe(true);
  const deadline = Date.now() + 20_000;
  for (;;) {
    const status = await fetch(`http://127.0.0.1:${healthPort}/healthz`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error(`/healthz still ${status}`);
    await sleep(200);
  }
}

describe('the worker through faults', () => {
  it('Redis restarted mid-run: queued and in-flight requests are answered once; requests during the outage hear "try again"', async () => {
    openai.setLatency(300); // jobs take ~1 s each, so some are in flight when Redis goes
    const tokens = fire(12);
    await stack.fake.waitFor(() => tokens.filter((t) => edits(t).length > 0).length >= 2, 30_000);
    await redis.stop();
    await sleep(500);
    const duringOutage = fire(3);
    await stack.fake.waitFor(() => duringOutage.every((t) => answers(t) > 0), 10_000);
    await sleep(2_000);
    await redis.start();

    await answered([...tokens, ...duringOutage]);
    expectPlaylists(tokens);
    for (const token of duringOutage) expectPrivateFailure(token, MESSAGES.busy);
    await expectWorkerHealthy();
    // And it keeps serving.
    const after = fire(2);
    await answered(after);
    expectPlaylists(after);
  }, 120_000);

  it('PostgreSQL restarted mid-run: every request is answered once with its playlist', async () => {
    openai.setLatency(300);
    const tokens = fire(12);
    await stack.fake.waitFor(() => tokens.filter((t) => edits(t).length > 0).length >= 2, 30_000);
    await postgres.stop();
    await sleep(2_500);
    await postgres.start();

    await answered(tokens);
    expectPlaylists(tokens);
    await expectWorkerHealthy();
  }, 120_000);

  it('the model API answering 429, 500 and hanging for a few seconds: requests complete after it recovers', async () => {
    openai.setLatency(0);
    openai.failFor(3_000, { status: 429, retryAfter: '1' }, { status: 500 }, { hangMs: 5_000 });
    const tokens = fire(6);
    await answered(tokens);
    expectPlaylists(tokens);
    expect(worker.alive()).toBe(true);
  }, 120_000);

  it('the model API down for good: one friendly message per request, never a stack trace; then it serves again', async () => {
    openai.failFor(120_000, { status: 503 });
    const tokens = fire(2);
    await answered(tokens, 90_000);
    for (const token of tokens) {
      expectPrivateFailure(token, 'The music brain is unavailable right now. Please try again in a minute.');
    }
    openai.failFor(0);
    const after = fire(1);
    await answered(after);
    expectPlaylists(after);
    expect(worker.alive()).toBe(true);
  }, 150_000);

  it(`Spotify rate-limiting for ${SPOTIFY_RATE_LIMIT_SECONDS} s: playlists still arrive, with search links, and Spotify is not hammered`, async () => {
    await stack.app.db.exec('TRUNCATE spotify_links'); // a cold link cache: every track needs a lookup
    const limitedAt = Date.now();
    spotify.failNext({ type: 'rate-limit', retryAfterSeconds: SPOTIFY_RATE_LIMIT_SECONDS }, Infinity);
    const searchesBefore = spotify.stats.searchCalls;
    const during = fire(6);
    await answered(during);
    // Answered while Spotify was still refusing, not after waiting the limit out.
    const lastAnswer = Math.max(...during.flatMap((t) => edits(t).map((e) => e.at)));
    expect(lastAnswer).toBeLessThan(limitedAt + SPOTIFY_RATE_LIMIT_SECONDS * 1000);
    expectPlaylists(during);
    const duringLinks = during.flatMap((t) => trackLines(embedOf(t)).map(linkOf));
    expect(duringLinks.every((l) => l?.startsWith('https://open.spotify.com/search/'))).toBe(true);
    // Only the lookups already in flight when the first 429 came back reached Spotify.
    expect(spotify.stats.searchCalls - searchesBefore).toBeLessThanOrEqual(8);

    await sleep(Math.max(0, limitedAt + SPOTIFY_RATE_LIMIT_SECONDS * 1000 + 500 - Date.now()));
    spotify.clearFailures();
    const after = fire(2);
    await answered(after);
    expectPlaylists(after);
    const afterLinks = after.flatMap((t) => trackLines(embedOf(t)).map(linkOf));
    expect(afterLinks.some((l) => l?.startsWith('https://open.spotify.com/track/'))).toBe(true);
    expect(worker.alive()).toBe(true);
  }, 180_000);

  it('through all of it, each request was answered once, and no job is left to run again', async () => {
    expect(everyToken.filter((t) => answers(t) !== 1)).toEqual([]);
    // A job whose completion was lost with Redis would still be active, and run again once its lock expired.
    const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    // The bot answered these itself: Redis was down, so no job was ever queued for them.
    const busy = everyToken.filter((t) => followUps(t)[0]?.message.content === MESSAGES.busy).length;
    expect(await moodJobCounts(connection, stack.prefix)).toEqual({
      completed: everyToken.length - busy,
      active: 0,
      waiting: 0,
      delayed: 0,
      failed: 0,
    });
    connection.disconnect();
  });

  it('through all of it, no secret or interaction token reached the worker log', () => {
    const output = worker.output();
    expect(output).toContain('playlist delivered');
    expect(output).not.toContain(OPENAI_KEY);
    expect(output).not.toContain(BOT_TOKEN);
    expect(output).not.toContain('fault-secret');
    for (const edit of stack.fake.edits) expect(output).not.toContain(edit.token);
  });
});
