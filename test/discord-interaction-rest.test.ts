/**
 * The REST client every interaction is answered through (bots/discord/client.ts). Discord exempts interaction
 * callbacks and interaction webhooks from the bot's 50 requests/s global limit; @discordjs/rest holds every
 * route but callbacks to it by default, so a burst of playlists waited in its global queue. Real
 * @discordjs/rest against the fake Discord.
 */
import { type RateLimitData, RESTEvents } from '@discordjs/rest';
import { InteractionResponseType, Routes } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInteractionRest } from '../bots/discord/client.ts';
import { type FakeDiscord, startFakeDiscord } from './fakes/discord-server.ts';

const APP_ID = '300000000000000011';
let fake: FakeDiscord;

beforeAll(async () => {
  fake = await startFakeDiscord({
    botToken: 'bot-token.interaction-rest',
    applicationId: APP_ID,
    guilds: [],
  });
});
afterAll(async () => fake?.close());

/** Interactions whose deferral Discord has already taken, so their webhooks exist. */
async function deferred(count: number, rest = createInteractionRest(fake.restUrl)) {
  const interactions = Array.from({ length: count }, () => fake.chatInput({ name: 'mood', guildId: null }));
  await Promise.all(
    interactions.map((i) =>
      rest.post(Routes.interactionCallback(i.id, i.token), {
        body: { type: InteractionResponseType.DeferredChannelMessageWithSource },
        auth: false,
      }),
    ),
  );
  return interactions;
}

describe('the interaction REST client', () => {
  it('sends 120 playlist edits at once without waiting on the 50/s global limit', async () => {
    const rest = createInteractionRest(fake.restUrl);
    const interactions = await deferred(120, rest);
    const waits: RateLimitData[] = [];
    rest.on(RESTEvents.RateLimited, (data) => waits.push(data));
    await Promise.all(
      interactions.map((i) =>
        rest.patch(Routes.webhookMessage(APP_ID, i.token, '@original'), {
          body: { content: 'your playlist' },
          auth: false,
        }),
      ),
    );
    expect(waits.filter((w) => w.global)).toEqual([]);
    const tokens = new Set(interactions.map((i) => i.token));
    expect(fake.edits.filter((e) => tokens.has(e.token))).toHaveLength(120);
  });

  it('still waits out a 429 on a route and then delivers', async () => {
    const rest = createInteractionRest(fake.restUrl);
    const [interaction] = await deferred(1, rest);
    const token = interaction?.token ?? '';
    const waits: RateLimitData[] = [];
    rest.on(RESTEvents.RateLimited, (data) => waits.push(data));
    fake.failNext('edit', { status: 429, retryAfter: 0.2 });
    await rest.patch(Routes.webhookMessage(APP_ID, token, '@original'), {
      body: { content: 'after the 429' },
      auth: false,
    });
    expect(
      fake.requests.filter((r) => r.route === 'edit' && r.path.includes(token)).map((r) => r.status),
    ).toEqual([429, 200]);
    expect(fake.originalMessage(token)?.content).toBe('after the 429');
  });

  it('refuses a route an interaction token does not authorise, before it leaves the process', async () => {
    const rest = createInteractionRest(fake.restUrl);
    const before = fake.requests.length;
    await expect(rest.get(Routes.gatewayBot(), { auth: false })).rejects.toThrow(/interaction routes only/);
    await expect(rest.put(Routes.applicationCommands(APP_ID), { body: [], auth: false })).rejects.toThrow(
      /interaction routes only/,
    );
    expect(fake.requests.length).toBe(before);
  });
});
