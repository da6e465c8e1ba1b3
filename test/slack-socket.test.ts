/**
 * The Slack app in Socket Mode against a local fake Slack: `apps.connections.open` with the app token, a
 * WebSocket that says `hello` first, envelopes in, acks out, and jobs on real Redis/BullMQ.
 */
import type { App } from '@slack/bolt';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackApp } from '../bots/slack/app.ts';
import { ACTION_IDS } from '../bots/slack/commands.ts';
import { MoodJobData, QUEUES } from '../workers/jobs.ts';
import { createDeliveryGuard, createRequestLimits } from '../workers/limits.ts';
import { createMoodQueue, type MoodQueue } from '../workers/mood-queue.ts';
import { createPlaylistContexts, type PlaylistContexts } from '../workers/playlist-context.ts';
import { redisKeys } from '../workers/redis-keys.ts';
import { type FakeSlack, startFakeSlack } from './fakes/slack-server.ts';
import { dropPrefix, REDIS_URL, testPrefix } from './support/redis.ts';
import { blockActionPayload, triggerId } from './support/slack.ts';

const BOT_TOKEN = 'xoxb-socket-bot-token';
const APP_TOKEN = 'xapp-1-socket-app-token';

let slack: FakeSlack;
let prefix: string;
let redis: Redis;
let queue: MoodQueue;
let jobs: Queue;
let contexts: PlaylistContexts;
let app: App;

beforeAll(async () => {
  slack = await startFakeSlack({ botToken: BOT_TOKEN, appToken: APP_TOKEN });
  prefix = testPrefix();
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  queue = createMoodQueue(redis, { attempts: 2, prefix });
  jobs = new Queue(QUEUES.mood, { connection: redis, prefix });
  contexts = createPlaylistContexts(redis, redisKeys(prefix));
  app = await createSlackApp(
    // No signing secret: Socket Mode has no HTTP requests to verify; the app token authenticates the socket.
    { mode: 'socket', botToken: BOT_TOKEN, signingSecret: '', appToken: APP_TOKEN, apiUrl: slack.apiUrl },
    {
      queue,
      limits: createRequestLimits(redis, {
        cooldownSeconds: 30,
        groupHourlyCap: 100,
        keys: redisKeys(prefix),
      }),
      contexts,
      deliveries: createDeliveryGuard(redis, redisKeys(prefix)),
      log: pino({ level: 'silent' }),
    },
  );
  await app.start();
});

afterAll(async () => {
  // The app first: if the fake went away under a live client, it would keep reconnecting.
  await app?.stop();
  await slack?.close();
  await jobs?.close();
  await queue?.close();
  redis?.disconnect();
  if (prefix) await dropPrefix(prefix);
});

const command = (text: string, trigger: string, userId = 'U0DAVE') => ({
  token: 'deprecated-verification-token',
  team_id: 'T0FAKE',
  team_domain: 'fake',
  channel_id: 'C0MUSIC',
  channel_name: 'music',
  user_id: userId,
  user_name: 'dave',
  command: '/mood',
  text,
  api_app_id: 'A0FAKE',
  response_url: slack.responseUrl(),
  trigger_id: trigger,
});

async function jobData(id: string): Promise<MoodJobData | undefined> {
  const job = await jobs.getJob(id);
  return job ? MoodJobData.parse(job.data) : undefined;
}

/** A command or click is acked before it is enqueued (Slack's 3 s), so its job appears just after the ack. */
async function eventualJobData(id: string, timeoutMs = 5_000): Promise<MoodJobData | undefined> {
  const deadline = Date.now() + timeoutMs;
  let data = await jobData(id);
  while (!data && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 25));
    data = await jobData(id);
  }
  return data;
}

describe('Slack app in Socket Mode', () => {
  it('opens the connection with the app token and waits for hello', () => {
    const opens = slack.calls.filter((c) => c.method === 'apps.connections.open');
    expect(opens).toHaveLength(1);
    expect(opens[0]?.token).toBe(APP_TOKEN);
    expect(slack.calls.find((c) => c.method === 'auth.test')?.token).toBe(BOT_TOKEN);
    expect(slack.connections()).toBe(1);
  });

  it('acks a slash_commands envelope with the brewing payload and enqueues the job', async () => {
    const trigger = triggerId();
    const ack = await slack.sendEnvelope(
      'slash_commands',
      command('rainy sunday, nostalgic size:7 private', trigger),
    );
    expect(ack.payload).toEqual({
      response_type: 'ephemeral',
      text: ':hourglass_flowing_sand: Brewing a playlist for “rainy sunday, nostalgic”…',
    });
    const data = await eventualJobData(`slack-${trigger}`);
    expect(data).toMatchObject({
      kind: 'mood',
      mood: 'rainy sunday, nostalgic',
      size: 7,
      userId: 'U0DAVE',
      groupId: 'T0FAKE',
      target: {
        platform: 'slack',
        teamId: 'T0FAKE',
        channelId: 'C0MUSIC',
        userId: 'U0DAVE',
        ephemeral: true,
      },
    });
  });

  it('a redelivered envelope (retry_attempt 1, same trigger_id) is acked the same and makes no second job', async () => {
    const trigger = triggerId();
    const payload = command('late night drive', trigger, 'U0ERIN');
    const first = await slack.sendEnvelope('slash_commands', payload);
    const again = await slack.sendEnvelope('slash_commands', payload, { retryAttempt: 1 });
    expect(again.payload).toEqual(first.payload);
    expect(again.payload?.text).toMatch(/Brewing/);
    expect(await eventualJobData(`slack-${trigger}`)).toMatchObject({ mood: 'late night drive' });
    await new Promise((r) => setTimeout(r, 200));
    const ids = (await jobs.getJobs(['waiting', 'active', 'completed', 'delayed'])).map((j) => j.id);
    expect(ids.filter((id) => id === `slack-${trigger}`)).toHaveLength(1);
  });

  it('an interactive envelope (button click) is acked and becomes an "another take" job', async () => {
    const playlistId = await contexts.save({
      mood: 'sunny',
      size: 5,
      songIds: ['1', '2', '3'],
      ephemeral: false,
    });
    const trigger = triggerId();
    const ack = await slack.sendEnvelope(
      'interactive',
      blockActionPayload({
        actionId: ACTION_IDS.take,
        value: playlistId,
        responseUrl: slack.responseUrl(),
        triggerId: trigger,
        userId: 'U0FRED',
      }),
    );
    expect(ack.envelope_id).toMatch(/^[0-9a-f]+$/);
    const data = await eventualJobData(`slack-${trigger}`);
    expect(data).toMatchObject({ kind: 'another', mood: 'sunny', size: 5, excludeSongIds: ['1', '2', '3'] });
    expect(data?.target).toMatchObject({ platform: 'slack', ephemeral: false, userId: 'U0FRED' });
  });
});
