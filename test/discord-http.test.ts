/**
 * Discord's HTTP interactions mode (DISCORD_MODE=http): the fake Discord POSTs every interaction, signed with
 * the application's Ed25519 key, to the bot's Interactions Endpoint URL and takes the HTTP response as the
 * initial response, as Discord documents. Two bot replicas sit behind the one URL, sharing Redis; the real
 * worker and core answer on native PostgreSQL.
 */
import type { APIEmbed } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DiscordStack,
  freshUserId,
  moodInteraction,
  startDiscordStack,
  trackLines,
} from './support/discord-stack.ts';

let stack: DiscordStack;

const edited = (token: string) =>
  stack.fake.waitFor(() => stack.fake.edits.find((e) => e.token === token), 30_000);
const deliveryOf = (id: string) =>
  stack.fake.waitFor(() => {
    const d = stack.fake.endpointDeliveries.find((e) => e.interactionId === id);
    return d && d.outcome !== 'pending' ? d : undefined;
  });
const callbacksOf = (id: string) => stack.fake.callbacks.filter((c) => c.interactionId === id);
const settle = (ms = 500) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  stack = await startDiscordStack({ mode: 'http', replicas: 2, cooldownSeconds: 30 });
  await stack.startWorker();
}, 180_000);
afterAll(async () => stack?.close());

describe('Discord over the Interactions Endpoint URL', () => {
  it('passes the Developer Portal check: a signed PING gets PONG, a forged one 401 (the stack set the URL)', () => {
    // startDiscordStack awaited fake.setInteractionsEndpoint, which throws unless both replicas answered so.
    expect(stack.fake.endpointDeliveries).toEqual([]);
    expect(stack.client).toBeUndefined();
  });

  it.each([
    ['a forged signature', 'forged'],
    ['no signature', 'missing'],
  ] as const)('refuses a request with %s with 401 and acts on nothing', async (_, signature) => {
    const interaction = moodInteraction(stack.fake, 'sunny afternoon');
    const delivery = await stack.fake.postInteraction(interaction, signature);
    expect(delivery.status).toBe(401);
    await settle();
    expect(callbacksOf(interaction.id)).toEqual([]);
    expect(stack.fake.edits.filter((e) => e.token === interaction.token)).toEqual([]);
  });

  it('defers /mood in the HTTP response itself, then edits in one playlist', async () => {
    const interaction = stack.fake.dispatchInteraction(
      moodInteraction(stack.fake, 'rainy city night', { size: 6 }),
    );
    const delivery = await deliveryOf(interaction.id);
    expect(delivery).toMatchObject({ status: 200, outcome: 'acknowledged' });
    await edited(interaction.token);
    await settle();
    expect(callbacksOf(interaction.id).map((c) => [c.via, c.type])).toEqual([['endpoint', 5]]);
    // No REST round trip to acknowledge: the callback route was never called.
    expect(stack.fake.requests.filter((r) => r.route === 'callback')).toEqual([]);
    expect(stack.fake.edits.filter((e) => e.token === interaction.token)).toHaveLength(1);
    const embed = stack.fake.originalMessage(interaction.token)?.embeds?.[0] as APIEmbed | undefined;
    expect(trackLines(embed)).toHaveLength(6);
  });

  it('takes turns between the replicas, and both hold the same cooldown', async () => {
    const userId = freshUserId();
    const first = stack.fake.dispatchInteraction(moodInteraction(stack.fake, 'slow morning', { userId }));
    await edited(first.token);
    const second = stack.fake.dispatchInteraction(moodInteraction(stack.fake, 'fast evening', { userId }));
    const [a, b] = [await deliveryOf(first.id), await deliveryOf(second.id)];
    expect(a.url).not.toBe(b.url);
    const [reply] = callbacksOf(second.id);
    expect(reply).toMatchObject({ via: 'endpoint', type: 4 });
    expect(reply?.data?.flags).toBe(64);
    expect(String(reply?.data?.content)).toMatch(/Try again in \d+ s/);
    await settle();
    expect(stack.fake.edits.filter((e) => e.token === second.token)).toEqual([]);
  });

  it('answers a button and a command it does not know with a private note in the response', async () => {
    const button = stack.fake.dispatchInteraction(stack.fake.buttonPress({ customId: 'other-app:thing' }));
    const command = stack.fake.dispatchInteraction(stack.fake.chatInput({ name: 'retired-command' }));
    for (const interaction of [button, command]) {
      expect(await deliveryOf(interaction.id)).toMatchObject({ outcome: 'acknowledged' });
      const [reply] = callbacksOf(interaction.id);
      expect(reply).toMatchObject({ via: 'endpoint', type: 4 });
      expect(reply?.data?.flags).toBe(64);
    }
  });

  it('brews "Another take" from a playlist it posted, through either replica', async () => {
    const first = stack.fake.dispatchInteraction(
      moodInteraction(stack.fake, 'calm and peaceful', { size: 5 }),
    );
    await edited(first.token);
    const original = stack.fake.originalMessage(first.token);
    const row = original?.components?.[0] as { components?: { custom_id?: string }[] } | undefined;
    const press = stack.fake.dispatchInteraction(
      stack.fake.buttonPress({
        customId: row?.components?.[0]?.custom_id ?? '',
        messageId: original?.id,
        userId: freshUserId(),
      }),
    );
    await edited(press.token);
    expect(callbacksOf(press.id).map((c) => [c.via, c.type])).toEqual([['endpoint', 5]]);
    const embed = stack.fake.originalMessage(press.token)?.embeds?.[0] as APIEmbed | undefined;
    expect(trackLines(embed)).toHaveLength(5);
  });
});
