/**
 * `/mood` on Discord end to end: the real discord.js bot against a fake Discord (REST + gateway), real
 * Redis/BullMQ, and the worker running the real core on native PostgreSQL + pgvector.
 */
import type { APIEmbed } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DiscordStack,
  freshUserId,
  linkOf,
  moodInteraction,
  startDiscordStack,
  trackLines,
} from './support/discord-stack.ts';

let stack: DiscordStack;

function mood(text: string, extra: { size?: number; private?: boolean; userId?: string } = {}) {
  return moodInteraction(stack.fake, text, extra);
}

const edited = (token: string) =>
  stack.fake.waitFor(() => stack.fake.edits.find((e) => e.token === token), 30_000);
const embedOf = (token: string) => stack.fake.originalMessage(token)?.embeds?.[0] as APIEmbed | undefined;
const settle = (ms = 500) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  stack = await startDiscordStack({ cooldownSeconds: 30 });
  await stack.startWorker();
}, 180_000);
afterAll(async () => stack?.close());

describe('/mood on Discord', () => {
  it('defers at once and ends in exactly one edited message with the requested number of linked tracks', async () => {
    const interaction = stack.fake.dispatchInteraction(mood('heartbroken and crying', { size: 7 }));
    await edited(interaction.token);
    await settle();
    expect(stack.fake.callbacks.filter((c) => c.interactionId === interaction.id).map((c) => c.type)).toEqual(
      [5],
    );
    const edits = stack.fake.edits.filter((e) => e.token === interaction.token);
    expect(edits).toHaveLength(1);
    expect(edits[0]?.body.allowed_mentions).toEqual({ parse: [] });
    const embed = embedOf(interaction.token);
    expect(embed?.title?.length).toBeGreaterThan(0);
    expect(embed?.description).toContain('heartbroken and crying');
    const lines = trackLines(embed);
    expect(lines).toHaveLength(7);
    for (const line of lines) expect(linkOf(line)).toMatch(/^https:\/\/open\.spotify\.com\/search\//);
    expect(embed?.footer?.text).toMatch(/7 songs · \d+ ms/);
  });

  it('a second delivery of the same interaction produces no second job and no second message', async () => {
    const interaction = mood('sunny road trip');
    stack.fake.dispatchInteraction(interaction);
    stack.fake.dispatchInteraction(interaction);
    await edited(interaction.token);
    await settle(1_000);
    expect(stack.fake.edits.filter((e) => e.token === interaction.token)).toHaveLength(1);
    expect(stack.fake.callbacks.filter((c) => c.interactionId === interaction.id)).toHaveLength(1);
    // The repeat is not charged to the cooldown again, and its enqueue is a no-op: the same job id.
    expect(stack.logLines.filter((l) => l.includes('repeated delivery: not charged again'))).toHaveLength(1);
  });

  it('"Another take" and "More like this" post new playlists without the songs already shown', async () => {
    const first = stack.fake.dispatchInteraction(mood('calm and peaceful', { size: 5 }));
    await edited(first.token);
    const original = stack.fake.originalMessage(first.token);
    const shown = new Set(trackLines(embedOf(first.token)).map(linkOf));
    const buttons = (original?.components?.[0] as { components?: { custom_id?: string; label?: string }[] })
      ?.components;
    expect(buttons?.map((b) => b.label)).toEqual(['Another take', 'More like this', 'Refine…', '👍', '👎']);

    for (const button of buttons?.slice(0, 2) ?? []) {
      const press = stack.fake.dispatchInteraction(
        stack.fake.buttonPress({
          customId: button.custom_id ?? '',
          messageId: original?.id,
          userId: freshUserId(),
        }),
      );
      await edited(press.token);
      const lines = trackLines(embedOf(press.token));
      expect(lines).toHaveLength(5);
      expect(lines.map(linkOf).filter((link) => shown.has(link))).toEqual([]);
    }
  });

  it('a user asking again within the cooldown is told when to come back, and nothing is queued', async () => {
    const userId = freshUserId();
    const first = stack.fake.dispatchInteraction(mood('rainy sunday', { userId }));
    await edited(first.token);
    const second = stack.fake.dispatchInteraction(mood('rainy monday', { userId }));
    const reply = await stack.fake.waitFor(() =>
      stack.fake.callbacks.find((c) => c.interactionId === second.id),
    );
    expect(reply.type).toBe(4);
    expect(String(reply.data?.content)).toMatch(/Try again in \d+ s/);
    expect(reply.data?.flags).toBe(64);
    await settle();
    expect(stack.fake.edits.filter((e) => e.token === second.token)).toEqual([]);
  });

  it.each([
    ['whitespace', '   \u200b  ', /Tell me a mood/],
    ['10,000 characters', 'sad '.repeat(2_500), /under 200 characters \(yours has \d+\)/],
  ])('a %s mood gets a private, friendly answer and no job', async (_, text, message) => {
    const interaction = stack.fake.dispatchInteraction(mood(text));
    const reply = await stack.fake.waitFor(() =>
      stack.fake.callbacks.find((c) => c.interactionId === interaction.id),
    );
    expect(reply.type).toBe(4);
    expect(reply.data?.flags).toBe(64);
    expect(String(reply.data?.content)).toMatch(message);
    await settle();
    expect(stack.fake.edits.filter((e) => e.token === interaction.token)).toEqual([]);
  });

  it('mentions and markdown in the mood cannot ping or format anything', async () => {
    const interaction = stack.fake.dispatchInteraction(
      mood('@everyone <@&123456789012345678> **sad** [x](https://evil.example) songs'),
    );
    await edited(interaction.token);
    const body = stack.fake.edits.find((e) => e.token === interaction.token)?.body;
    expect(body?.allowed_mentions).toEqual({ parse: [] });
    const text = JSON.stringify(embedOf(interaction.token));
    expect(text).not.toMatch(/@everyone|<@&\d+>/);
    expect(text).not.toContain('[x](https://evil.example)');
  });

  it('a job whose interaction token has expired is not answered, and the worker carries on', async () => {
    await stack.stopWorker();
    const interaction = stack.fake.dispatchInteraction(mood('late night drive'));
    await stack.fake.waitFor(() => stack.fake.callbacks.find((c) => c.interactionId === interaction.id));
    for (let i = 0; i < 100 && (await stack.queue.depth()) === 0; i++) await settle(50);
    stack.fake.expireToken(interaction.token);
    await stack.startWorker();
    const after = stack.fake.dispatchInteraction(mood('happy dance party'));
    await edited(after.token);
    // The two jobs run side by side: the expired one may end after the other was answered.
    await stack.fake.waitFor(() =>
      stack.logLines.find((l) => l.includes('interaction expired; reply dropped')),
    );
    expect(stack.fake.originalMessage(interaction.token)?.embeds ?? []).toEqual([]);
  });

  it('no log line holds the bot token or an interaction token', () => {
    const tokens = stack.fake.callbacks.map((c) => c.token);
    const all = stack.logLines.join('\n');
    expect(tokens.length).toBeGreaterThan(5);
    expect(all).not.toContain('fake-bot-token');
    for (const token of tokens) expect(all).not.toContain(token);
  });
});
