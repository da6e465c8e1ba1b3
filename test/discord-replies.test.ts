/**
 * What a Discord user sees besides the playlist: every interaction answered within Discord's 3 seconds (even
 * ones Sonic Mood does not know), failures for the requester only (ephemeral, flags 64), buttons outside the
 * command cooldown, and a word when a job missed its window. The real discord.js bot and the real responder
 * against the fake Discord, real Redis/BullMQ, and a stand-in recommender (no database needed).
 */
import type { Worker } from 'bullmq';
import { type Client, InteractionResponseType, MessageFlags, Routes } from 'discord.js';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachDiscordBot, MESSAGES } from '../bots/discord/bot.ts';
import { createDiscordClient, createInteractionRest } from '../bots/discord/client.ts';
import { createDiscordResponder } from '../bots/discord/responder.ts';
import { MoodError, MoodErrorCode } from '../core/errors.ts';
import type { MoodRequest, Playlist } from '../core/types.ts';
import { createDeliveryGuard, createRequestLimits } from '../workers/limits.ts';
import { createMoodQueue, type MoodQueue } from '../workers/mood-queue.ts';
import { createMoodWorker, EXPIRED_MESSAGE } from '../workers/mood-worker.ts';
import { createPlaylistContexts } from '../workers/playlist-context.ts';
import { redisKeys } from '../workers/redis-keys.ts';
import { type FakeDiscord, startFakeDiscord } from './fakes/discord-server.ts';
import { freshUserId, moodInteraction } from './support/discord-stack.ts';
import { dropPrefix, REDIS_URL, testPrefix } from './support/redis.ts';

const BOT_TOKEN = 'fake-bot-token.replies-test';
const APP_ID = '300000000000000009';
const GUILD_ID = '400000000000000009';

let fake: FakeDiscord;
let client: Client;
let producer: Redis;
let consumer: Redis;
let queue: MoodQueue;
let worker: Worker;
const prefix = testPrefix();

/** Songs for any mood but one word the stand-in "model" does not know. */
async function recommend(request: MoodRequest): Promise<Playlist> {
  if (request.text.includes('qqxv')) throw new MoodError(MoodErrorCode.MoodNotUnderstood, 'no known words');
  return {
    title: 'Test Mix',
    description: '',
    mood: request.text,
    tracks: Array.from({ length: request.size }, (_, i) => ({
      songId: String(i + 1 + (request.seed ?? 0)),
      name: `Song ${i + 1}`,
      artist: 'Band',
      year: 2000,
      similarity: 0.5,
      popularity: 1,
      score: 1,
      spotifyUrl: `https://open.spotify.com/track/t${i}`,
      why: 'test',
    })),
    providers: { embedder: 'e', writer: 'w', links: 'l' },
    timings: { total: 1 },
  };
}

beforeAll(async () => {
  fake = await startFakeDiscord({ botToken: BOT_TOKEN, applicationId: APP_ID, guilds: [GUILD_ID] });
  producer = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  consumer = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const keys = redisKeys(prefix);
  queue = createMoodQueue(producer, { attempts: 2, prefix });
  const log = pino({ level: 'silent' });
  client = createDiscordClient(fake.restUrl, { waitGuildTimeout: 100 });
  attachDiscordBot(client, {
    queue,
    limits: createRequestLimits(producer, { cooldownSeconds: 30, groupHourlyCap: 1000, keys }),
    contexts: createPlaylistContexts(producer, keys),
    deliveries: createDeliveryGuard(producer, keys),
    log,
  });
  const ready = new Promise<void>((resolve) => client.once('clientReady', () => resolve()));
  await client.login(BOT_TOKEN);
  await ready;
  worker = createMoodWorker({
    connection: consumer,
    recommender: { recommend },
    responders: { discord: createDiscordResponder(createInteractionRest(fake.restUrl), log) },
    contexts: createPlaylistContexts(consumer, keys),
    concurrency: 2,
    lockMs: 5_000,
    log,
    prefix,
  });
  await worker.waitUntilReady();
}, 60_000);

afterAll(async () => {
  await worker?.close();
  await client?.destroy();
  await queue?.close();
  producer?.disconnect();
  consumer?.disconnect();
  await fake?.close();
  await dropPrefix(prefix);
});

const firstResponse = (id: string) => fake.waitFor(() => fake.callbacks.find((c) => c.interactionId === id));
const settle = (ms = 400) => new Promise((r) => setTimeout(r, ms));

describe('every Discord interaction gets an initial response', () => {
  it.each([
    ['another app', 'other-app:vote:1'],
    ['an old format', 'sm:take'],
    ['a retired action', 'sm:share:abc'],
  ])('a button of %s gets a private "no longer supported" within 3 s', async (_, customId) => {
    const press = fake.dispatchInteraction(fake.buttonPress({ customId, userId: freshUserId() }));
    // The fake refuses a first response later than 3 s after the interaction, as Discord does.
    const reply = await firstResponse(press.id);
    expect(reply).toMatchObject({
      type: 4,
      data: { flags: MessageFlags.Ephemeral, content: MESSAGES.unknownButton },
    });
  });

  it('a retired command, and /mood-admin where this deployment does not administer, get a private note', async () => {
    const retired = fake.dispatchInteraction(fake.chatInput({ name: 'vibe', userId: freshUserId() }));
    const admin = fake.dispatchInteraction(
      fake.chatInput({ name: 'mood-admin', subcommand: 'status', userId: freshUserId() }),
    );
    for (const [interaction, content] of [
      [retired, MESSAGES.unknownCommand],
      [admin, MESSAGES.admin],
    ] as const) {
      const reply = await firstResponse(interaction.id);
      expect(reply).toMatchObject({ type: 4, data: { flags: MessageFlags.Ephemeral, content } });
    }
  });
});

describe('failures go to the requester only', () => {
  it('a mood the model cannot read: the public "thinking…" goes away, the reason comes ephemerally', async () => {
    const interaction = fake.dispatchInteraction(moodInteraction(fake, 'qqxv zzkw'));
    const note = await fake.waitFor(() => fake.followUps.find((f) => f.token === interaction.token), 20_000);
    expect(note.message.flags).toBe(MessageFlags.Ephemeral);
    expect(note.message.content).toMatch(/could not find words I understand/);
    expect(note.body.allowed_mentions).toEqual({ parse: [] });
    // The public deferral is gone, and no public message ever said it.
    expect(fake.originalMessage(interaction.token)).toBeUndefined();
    const publicEdits = fake.edits.filter((e) => e.token === interaction.token);
    expect(publicEdits).toEqual([]);
  });

  it('a private request that fails is answered in its own ephemeral reply', async () => {
    const interaction = fake.dispatchInteraction(moodInteraction(fake, 'qqxv', { private: true }));
    const edit = await fake.waitFor(() => fake.edits.find((e) => e.token === interaction.token), 20_000);
    expect(edit.message.flags).toBe(MessageFlags.Ephemeral);
    expect(edit.message.content).toMatch(/could not find words I understand/);
    expect(fake.followUps.filter((f) => f.token === interaction.token)).toEqual([]);
  });

  it('a job that waited past its window tells the requester privately instead of leaving "thinking…"', async () => {
    const interaction = fake.chatInput({
      name: 'mood',
      options: [{ name: 'mood', type: 3, value: 'late night drive' }],
      userId: freshUserId(),
    });
    // Deferred as the bot would have, 14 min 45 s ago: the token still works, but the job is past the
    // worker's margin for brewing a playlist (inside Discord's 15 minutes for a word).
    await createInteractionRest(fake.restUrl).post(
      Routes.interactionCallback(interaction.id, interaction.token),
      {
        body: { type: InteractionResponseType.DeferredChannelMessageWithSource },
        auth: false,
      },
    );
    await queue.enqueue(`discord-${interaction.id}`, {
      v: 1,
      kind: 'mood',
      mood: 'late night drive',
      size: 5,
      userId: interaction.member?.user.id ?? '1',
      groupId: GUILD_ID,
      requestedAt: Date.now() - (14 * 60 + 45) * 1000,
      target: {
        platform: 'discord',
        applicationId: APP_ID,
        interactionId: interaction.id,
        token: interaction.token,
        ephemeral: false,
      },
    });
    const note = await fake.waitFor(
      () =>
        fake.followUps.find((f) => f.token === interaction.token && f.message.content === EXPIRED_MESSAGE),
      20_000,
    );
    expect(note.message.flags).toBe(MessageFlags.Ephemeral);
    expect(fake.originalMessage(interaction.token)).toBeUndefined();
  });
});

describe('buttons and the cooldown', () => {
  it('"Another take" right after a playlist is brewed, not refused with "try again"', async () => {
    const userId = freshUserId();
    const first = fake.dispatchInteraction(moodInteraction(fake, 'calm and peaceful', { size: 5, userId }));
    await fake.waitFor(() => fake.edits.find((e) => e.token === first.token), 20_000);
    const original = fake.originalMessage(first.token);
    const take = (original?.components?.[0] as { components?: { custom_id?: string }[] })?.components?.[0];
    const press = fake.dispatchInteraction(
      fake.buttonPress({ customId: take?.custom_id ?? '', messageId: original?.id, userId }),
    );
    expect((await firstResponse(press.id)).type).toBe(5);
    await fake.waitFor(() => fake.edits.find((e) => e.token === press.token), 20_000);
    // A typed /mood still waits out its cooldown.
    const again = fake.dispatchInteraction(moodInteraction(fake, 'calm again', { userId }));
    expect(String((await firstResponse(again.id)).data?.content)).toMatch(/Try again in \d+ s/);
    await settle();
  });
});
