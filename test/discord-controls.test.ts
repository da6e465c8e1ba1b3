/**
 * A playlist's controls on Discord end to end — Refine… (a modal), Swap a song… (a select menu), 👍 / 👎 —
 * through the real bot, Redis/BullMQ and the worker's core on PostgreSQL + pgvector, against a fake Discord
 * that holds the bot to Discord's rules (a modal only as the first answer to a press, an update deferral only
 * on a component's message, every component limit).
 */
import {
  type APIActionRowComponent,
  type APIButtonComponentWithCustomId,
  type APIEmbed,
  type APIMessage,
  type APIStringSelectComponent,
  ComponentType,
  InteractionResponseType,
  MessageFlags,
} from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DiscordStack,
  freshUserId,
  GUILD_ID,
  moodInteraction,
  startDiscordStack,
  trackLines,
} from './support/discord-stack.ts';

let stack: DiscordStack;

beforeAll(async () => {
  stack = await startDiscordStack();
  await stack.startWorker();
}, 180_000);
afterAll(async () => stack?.close());

/** A `/mood` in the test guild (by `userId`), and the playlist message the worker edited it into. */
async function playlist(text: string, size = 6, userId = freshUserId()): Promise<APIMessage> {
  const interaction = stack.fake.dispatchInteraction(moodInteraction(stack.fake, text, { size, userId }));
  await stack.fake.waitFor(() => stack.fake.edits.find((e) => e.token === interaction.token), 30_000);
  const message = stack.fake.originalMessage(interaction.token);
  if (!message) throw new Error('no playlist message');
  return message;
}

const embedOf = (message: APIMessage | undefined) => message?.embeds?.[0] as APIEmbed | undefined;
const rows = (message: APIMessage) => (message.components ?? []) as APIActionRowComponent<never>[];
const buttons = (message: APIMessage) =>
  (rows(message)[0]?.components ?? []) as unknown as APIButtonComponentWithCustomId[];
const menu = (message: APIMessage) =>
  (rows(message)[1]?.components ?? [])[0] as unknown as APIStringSelectComponent | undefined;
const buttonId = (message: APIMessage, label: string) => {
  const id = buttons(message).find((b) => b.label === label)?.custom_id;
  if (!id) throw new Error(`no ${label} button`);
  return id;
};

/** The songs of a message, by song id, in order (the swap menu's values). */
const songIdsOf = (message: APIMessage) => menu(message)?.options.map((o) => o.value) ?? [];

/** Waits for a newer version of the message than `seen` edits (an update deferral's PATCH of @original). */
async function editedAgain(message: APIMessage, edits: number): Promise<APIMessage> {
  await stack.fake.waitFor(
    () => stack.fake.edits.filter((e) => e.message.id === message.id).length > edits || undefined,
    30_000,
  );
  const latest = stack.fake.message(message.id);
  if (!latest) throw new Error('message gone');
  return latest;
}
const editsOf = (message: APIMessage) => stack.fake.edits.filter((e) => e.message.id === message.id).length;

/** A fresh playlist its requester refines with `followUp`: the playlist message and the modal submission. */
async function refineFreshPlaylist(followUp: string) {
  const userId = freshUserId();
  const message = await playlist('calm evening', 5, userId);
  const press = stack.fake.dispatchInteraction(
    stack.fake.buttonPress({ customId: buttonId(message, 'Refine…'), messageId: message.id, userId }),
  );
  const modal = await stack.fake.waitFor(() => stack.fake.modal(press.id));
  const submit = stack.fake.dispatchInteraction(
    stack.fake.modalSubmit({ modal, values: { [modal.textInputs[0]?.custom_id ?? '']: followUp } }),
  );
  return { message, submit };
}

async function yearsOf(songIds: readonly string[]): Promise<Map<string, { year: number; genre: string }>> {
  const { rows: found } = await stack.app.db.query<{ id: string; year: number; genre: string }>(
    'SELECT id::text AS id, year::int AS year, genre FROM songs WHERE id = ANY($1::bigint[])',
    [songIds],
  );
  return new Map(found.map((r) => [r.id, r]));
}

describe('a playlist message', () => {
  it('carries Another take, More like this, Refine…, 👍, 👎 and a Swap menu of its songs', async () => {
    const message = await playlist('sunny road trip', 6);
    expect(buttons(message).map((b) => b.label)).toEqual([
      'Another take',
      'More like this',
      'Refine…',
      '👍',
      '👎',
    ]);
    const swap = menu(message);
    expect(swap?.type).toBe(ComponentType.StringSelect);
    expect(swap?.options).toHaveLength(6);
    expect(swap?.options[0]?.label).toMatch(/^1\. /);
  });
});

describe('Refine…', () => {
  it('opens a modal, and its answer replaces the playlist in place with the constraints applied and said', async () => {
    const userId = freshUserId();
    const message = await playlist('party anthems to dance to', 8, userId);
    const before = await yearsOf(songIdsOf(message));
    expect([...before.values()].some((s) => s.genre === 'hip-hop' || s.year < 1990 || s.year > 1999)).toBe(
      true,
    );

    const press = stack.fake.dispatchInteraction(
      stack.fake.buttonPress({ customId: buttonId(message, 'Refine…'), messageId: message.id, userId }),
    );
    const modal = await stack.fake.waitFor(() => stack.fake.modal(press.id));
    expect(stack.fake.callbacks.find((c) => c.interactionId === press.id)?.type).toBe(
      InteractionResponseType.Modal,
    );

    const edits = editsOf(message);
    const submit = stack.fake.dispatchInteraction(
      stack.fake.modalSubmit({
        modal,
        values: { [modal.textInputs[0]?.custom_id ?? '']: 'no rap, more 90s' },
      }),
    );
    const refined = await editedAgain(message, edits);
    expect(stack.fake.callbacks.find((c) => c.interactionId === submit.id)?.type).toBe(
      InteractionResponseType.DeferredMessageUpdate,
    );
    const description = embedOf(refined)?.description ?? '';
    expect(description.split('\n')[0]).toMatch(/for “party anthems to dance to” · no rap · 1990–1999\*$/);
    const after = await yearsOf(songIdsOf(refined));
    expect(after.size).toBe(8);
    for (const song of after.values()) {
      expect(song.genre).not.toBe('hip-hop');
      expect(song.year).toBeGreaterThanOrEqual(1990);
      expect(song.year).toBeLessThanOrEqual(1999);
    }
    // Still a playlist with its controls: a second refine builds on the first.
    expect(buttons(refined).map((b) => b.label)).toContain('Refine…');
    const again = stack.fake.dispatchInteraction(
      stack.fake.buttonPress({ customId: buttonId(refined, 'Refine…'), messageId: refined.id, userId }),
    );
    const second = await stack.fake.waitFor(() => stack.fake.modal(again.id));
    const edits2 = editsOf(refined);
    stack.fake.dispatchInteraction(
      stack.fake.modalSubmit({
        modal: second,
        values: { [second.textInputs[0]?.custom_id ?? '']: 'without Nirvana' },
      }),
    );
    const twice = await editedAgain(refined, edits2);
    expect((embedOf(twice)?.description ?? '').split('\n')[0]).toMatch(
      /· no rap · no Nirvana · 1990–1999\*$/,
    );
  });

  it('a constraint nothing meets leaves the playlist as it was and tells the requester alone', async () => {
    const { message, submit } = await refineFreshPlaylist('only opera');
    const notice = await stack.fake.waitFor(
      () => stack.fake.followUps.find((f) => f.token === submit.token),
      30_000,
    );
    expect(notice.body.content).toMatch(/No songs in the catalog match those filters/);
    expect(notice.body.flags).toBe(MessageFlags.Ephemeral);
    expect(stack.fake.message(message.id)?.embeds).toEqual(message.embeds);
  });

  it('is its requester’s alone: anyone else is told so privately, and nothing opens', async () => {
    const message = await playlist('calm evening', 5);
    const press = stack.fake.dispatchInteraction(
      stack.fake.buttonPress({
        customId: buttonId(message, 'Refine…'),
        messageId: message.id,
        userId: freshUserId(),
      }),
    );
    const answer = await stack.fake.waitFor(() =>
      stack.fake.callbacks.find((c) => c.interactionId === press.id),
    );
    expect(answer.data).toMatchObject({
      content: expect.stringMatching(/^Only the person who asked/),
      flags: 64,
    });
    expect(stack.fake.modal(press.id)).toBeUndefined();
  });

  it('a follow-up with nothing to apply ("thanks!") is answered privately, and no job runs', async () => {
    const { message, submit } = await refineFreshPlaylist('thanks!');
    const answer = await stack.fake.waitFor(() =>
      stack.fake.callbacks.find((c) => c.interactionId === submit.id),
    );
    expect(answer.data).toMatchObject({
      content: expect.stringMatching(/could not find anything to change/),
      flags: 64,
    });
    expect(editsOf(message)).toBe(1);
  });

  it('on a playlist whose context has expired, says so instead of opening a modal nobody can use', async () => {
    const press = stack.fake.dispatchInteraction(stack.fake.buttonPress({ customId: 'sm:refine:gone-gone' }));
    const answer = await stack.fake.waitFor(() =>
      stack.fake.callbacks.find((c) => c.interactionId === press.id),
    );
    expect(answer.type).toBe(InteractionResponseType.ChannelMessageWithSource);
    expect(answer.data?.content).toMatch(/too old for this button/);
    expect(stack.fake.modal(press.id)).toBeUndefined();
  });
});

describe('Swap a song…', () => {
  it('replaces the picked song in place with one not shown before; the others stay', async () => {
    const userId = freshUserId();
    const message = await playlist('rainy day blues', 6, userId);
    const ids = songIdsOf(message);
    const out = ids[2] ?? '';
    const edits = editsOf(message);
    const pick = stack.fake.dispatchInteraction(
      stack.fake.stringSelect({
        customId: menu(message)?.custom_id ?? '',
        values: [out],
        messageId: message.id,
        userId,
      }),
    );
    const swapped = await editedAgain(message, edits);
    expect(stack.fake.callbacks.find((c) => c.interactionId === pick.id)?.type).toBe(
      InteractionResponseType.DeferredMessageUpdate,
    );
    const now = songIdsOf(swapped);
    expect(now).toHaveLength(6);
    expect(now.filter((_, i) => i !== 2)).toEqual(ids.filter((_, i) => i !== 2));
    expect(ids).not.toContain(now[2]);
    expect(trackLines(embedOf(swapped))).toHaveLength(6);
    expect(embedOf(swapped)?.title).toBe(embedOf(message)?.title);
  });
});

describe('👍 / 👎', () => {
  it('thanks the voter privately once, and sinks a song the server voted down in its later playlists', async () => {
    const message = await playlist('workout pump up', 5);
    const top = songIdsOf(message)[0];
    const vote = (userId: string) =>
      stack.fake.dispatchInteraction(
        stack.fake.buttonPress({
          customId: buttonId(message, '👎'),
          messageId: message.id,
          userId,
          guildId: GUILD_ID,
        }),
      );
    const answerTo = (id: string) =>
      stack.fake.waitFor(() => stack.fake.callbacks.find((c) => c.interactionId === id));
    const voter = freshUserId();
    const first = await answerTo(vote(voter).id);
    expect(first.data).toMatchObject({ content: 'Thanks! These songs will come up less here.', flags: 64 });
    const repeat = await answerTo(vote(voter).id);
    expect(repeat.data).toMatchObject({ content: 'You already said so about this playlist.' });
    for (let i = 0; i < 2; i++) await answerTo(vote(freshUserId()).id);

    const later = await playlist('workout pump up', 5);
    expect(songIdsOf(later)[0]).not.toBe(top);
  });
});
