/** `/mood-admin` on Discord: who may re-index, what everyone else is told, and the live status message. */

import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeStatus } from '../bots/discord/admin.ts';
import { adminCommand } from '../bots/discord/commands.ts';
import { createReindexWorker } from '../workers/reindex-worker.ts';
import { type DiscordStack, startDiscordStack } from './support/discord-stack.ts';
import { REDIS_URL } from './support/redis.ts';

const OPERATOR = '700000000000000001';
const SERVER_ADMIN = '700000000000000002';
let stack: DiscordStack;

const admin = (
  subcommand: string,
  userId: string,
  options: { name: string; type: number; value: unknown }[] = [],
) =>
  stack.fake.dispatchInteraction(
    stack.fake.chatInput({
      name: 'mood-admin',
      subcommand,
      options: options as never,
      userId,
      memberPermissions: String(1 << 5), // MANAGE_GUILD: a server admin, not an operator
    }),
  );

const replyTo = (id: string) =>
  stack.fake.waitFor(() => stack.fake.callbacks.find((c) => c.interactionId === id));

beforeAll(async () => {
  // Not the 1,024 a bot once assumed for a model named without dimensions.
  stack = await startDiscordStack({
    operators: [`discord:${OPERATOR}`],
    env: { EMBEDDING_DIMENSIONS: '768' },
  });
}, 180_000);
afterAll(async () => stack?.close());

describe('/mood-admin on Discord', () => {
  it('is registered for server managers only by default', () => {
    expect(adminCommand.toJSON().default_member_permissions).toBe(String(1 << 5));
  });

  it.each(['reindex', 'cancel'])(
    'refuses %s to a server admin who is not an operator, and enqueues nothing',
    async (sub) => {
      // Whatever earlier tests left behind, a refusal changes none of it.
      const before = await stack.reindex.status();
      const interaction = admin(sub, SERVER_ADMIN);
      const reply = await replyTo(interaction.id);
      expect(reply.type).toBe(4);
      expect(reply.data?.flags).toBe(64);
      expect(String(reply.data?.content)).toMatch(/only Sonic Mood's operators/);
      expect(await stack.reindex.status()).toEqual(before);
    },
  );

  it('shows the status to a server admin', async () => {
    const shown = describeStatus(await stack.reindex.status());
    const interaction = admin('status', SERVER_ADMIN);
    await stack.fake.waitFor(() => stack.fake.edits.find((e) => e.token === interaction.token));
    expect(stack.fake.originalMessage(interaction.token)?.content).toBe(shown);
  });

  it('a model named without dimensions is queued at EMBEDDING_DIMENSIONS, as `sonic-mood reindex --model` does', async () => {
    // No worker runs here: the job waits, and the status names the model it will build.
    const interaction = admin('reindex', OPERATOR, [
      { name: 'model', type: 3, value: 'text-embedding-3-small' },
    ]);
    try {
      await stack.fake.waitFor(
        () =>
          stack.fake.originalMessage(interaction.token)?.content ===
            'Re-index queued (openai:text-embedding-3-small@768)…' || undefined,
      );
      expect(await stack.reindex.status()).toMatchObject({
        state: 'waiting',
        model: 'openai:text-embedding-3-small@768',
      });
    } finally {
      expect(await stack.reindex.cancel()).toBe(true);
    }
  });

  it("an operator's reindex runs, and the status message is edited with progress until the switch", async () => {
    const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const worker = createReindexWorker({
      operators: new Set([`discord:${OPERATOR}`]),
      connection,
      db: stack.app.db,
      embedder: stack.app.providers.embedder,
      embedderFor: stack.app.providers.embedderFor,
      log: pino({ level: 'silent' }),
      prefix: stack.prefix,
      batchSize: 32,
    });
    try {
      const interaction = admin('reindex', OPERATOR, [{ name: 'full', type: 5, value: true }]);
      await stack.fake.waitFor(
        () =>
          stack.fake.originalMessage(interaction.token)?.content?.startsWith('Last re-index') || undefined,
        120_000,
      );
      const contents = stack.fake.edits
        .filter((e) => e.token === interaction.token)
        .map((e) => String(e.body.content));
      expect(contents.some((c) => /█*░*\s\d+%/.test(c) && c.includes('Re-index: embedding'))).toBe(true);
      expect(contents.at(-1)).toMatch(
        /Last re-index: \*\*local:[^*]+\*\* is live — 2,040 songs embedded, exact index/,
      );
      const again = admin('cancel', OPERATOR);
      await stack.fake.waitFor(() => stack.fake.edits.find((e) => e.token === again.token));
      expect(stack.fake.originalMessage(again.token)?.content).toBe('No re-index is running.');
    } finally {
      await worker.close();
      connection.disconnect();
    }
  }, 180_000);
});
