/**
 * `/mood-daily` on Discord end to end: the real bot and admission write a BullMQ job scheduler per channel,
 * the worker's daily consumer posts the channel's playlist with the bot token (`POST /channels/{id}/messages`
 * on the fake Discord), and the test is the clock: it promotes the scheduler's delayed job, as the day
 * arriving would.
 */

import { type Job, Queue, type Worker } from 'bullmq';
import { type APIEmbed, ApplicationCommandOptionType } from 'discord.js';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordChannelPoster } from '../bots/discord/channel-poster.ts';
import { createBotRest } from '../bots/discord/client.ts';
import { createDailySchedules, schedulerId } from '../workers/daily.ts';
import { createDailyWorker } from '../workers/daily-worker.ts';
import { QUEUES } from '../workers/jobs.ts';
import { createPlaylistContexts } from '../workers/playlist-context.ts';
import { redisKeys } from '../workers/redis-keys.ts';
import { MEMBER_PERMISSIONS } from './fakes/discord/flags.ts';
import {
  BOT_TOKEN,
  type DiscordStack,
  freshUserId,
  startDiscordStack,
  trackLines,
} from './support/discord-stack.ts';
import { eventually } from './support/eventually.ts';
import { REDIS_URL } from './support/redis.ts';

let stack: DiscordStack;
let daily: Queue;
let redis: Redis;

/** A member allowed to manage the channel: Discord's computed permissions with Manage Channels (1 << 4). */
const MANAGER = String(BigInt(MEMBER_PERMISSIONS) | (1n << 4n));

beforeAll(async () => {
  stack = await startDiscordStack();
  await stack.startWorker();
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  daily = new Queue(QUEUES.daily, { connection: redis, prefix: stack.prefix });
}, 180_000);
afterAll(async () => {
  await daily?.close();
  redis?.disconnect();
  await stack?.close();
});

type Option = { name: string; type: number; value: string | number };
const text = (name: string, value: string): Option => ({
  name,
  type: ApplicationCommandOptionType.String,
  value,
});

/** `/mood-daily <sub>` in the test guild's channel, and the private answer it got. */
async function dailyCommand(
  subcommand: 'set' | 'show' | 'stop',
  options: Option[] = [],
  extra: { memberPermissions?: string; userId?: string } = {},
) {
  const interaction = stack.fake.dispatchInteraction(
    stack.fake.chatInput({
      name: 'mood-daily',
      subcommand,
      options: options as never,
      userId: extra.userId ?? freshUserId(),
      ...(extra.memberPermissions ? { memberPermissions: extra.memberPermissions } : {}),
    }),
  );
  const answer = await stack.fake.waitFor(() =>
    stack.fake.callbacks.find((c) => c.interactionId === interaction.id),
  );
  return {
    channelId: String(interaction.channel_id),
    answer: answer.data as { content: string; flags: number },
  };
}

/** The day arrives: the scheduler's waiting iteration runs now. */
async function fireDaily(channelId: string): Promise<Job> {
  const id = schedulerId({ platform: 'discord', channelId });
  const job = await eventually(async () => (await daily.getDelayed()).find((j) => j.repeatJobKey === id));
  await job.promote();
  return job;
}

const postsIn = (channelId: string) => stack.fake.channelMessages.filter((m) => m.channelId === channelId);
const songsOf = (post: { message: { embeds?: unknown[] } }) =>
  trackLines(post.message.embeds?.[0] as APIEmbed | undefined).map((l) => l.replace(/^\*\*\d+\.\*\* /, ''));

describe('/mood-daily on Discord', () => {
  it('is set and stopped by members with Manage Channels only; anyone may see it', async () => {
    const refused = await dailyCommand('set', [text('mood', 'sunny morning'), text('time', '08:30')]);
    expect(refused.answer).toMatchObject({
      content: expect.stringMatching(/^Only members with Manage Channels/),
      flags: 64,
    });
    expect(
      await daily.getJobScheduler(schedulerId({ platform: 'discord', channelId: refused.channelId })),
    ).toBeUndefined();
    const shown = await dailyCommand('show');
    expect(shown.answer.content).toMatch(/has no mood of the day/);
  });

  it('set answers with the time and the first post; each day posts one playlist, none of the week’s songs again', async () => {
    const set = await dailyCommand(
      'set',
      [text('mood', 'sunny morning coffee'), text('time', '8:30'), text('timezone', 'europe/paris')],
      { memberPermissions: MANAGER },
    );
    expect(set.answer.content).toMatch(
      /^Every day at 08:30 \(Europe\/Paris\) I'll post a playlist for “sunny morning coffee” here; the first one <t:\d+:F>\.$/,
    );
    const scheduler = await daily.getJobScheduler(
      schedulerId({ platform: 'discord', channelId: set.channelId }),
    );
    expect(scheduler).toMatchObject({ pattern: '30 8 * * *', tz: 'Europe/Paris' });
    const next = new Date(scheduler?.next ?? 0);
    expect(
      new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', timeStyle: 'short' }).format(next),
    ).toBe('08:30');

    await fireDaily(set.channelId);
    const first = await stack.fake.waitFor(() => postsIn(set.channelId)[0], 30_000);
    expect(first.token).toBe(BOT_TOKEN);
    expect(songsOf(first)).toHaveLength(10);
    await fireDaily(set.channelId);
    const second = await stack.fake.waitFor(() => postsIn(set.channelId)[1], 30_000);
    expect(songsOf(second).filter((song) => songsOf(first).includes(song))).toEqual([]);
    expect(postsIn(set.channelId)).toHaveLength(2);

    const shown = await dailyCommand('show');
    expect(shown.answer.content).toMatch(
      /“sunny morning coffee”, 10 songs every day at 08:30 \(Europe\/Paris\); next <t:\d+:F>/,
    );
    const stopped = await dailyCommand('stop', [], { memberPermissions: MANAGER });
    expect(stopped.answer.content).toBe('Stopped: no more daily playlists here.');
    expect(
      await daily.getJobScheduler(schedulerId({ platform: 'discord', channelId: set.channelId })),
    ).toBeUndefined();
  });

  it('refuses a time or a time zone it cannot read, saying how to write one', async () => {
    const time = await dailyCommand('set', [text('mood', 'x'), text('time', '25:00')], {
      memberPermissions: MANAGER,
    });
    expect(time.answer.content).toMatch(/24-hour HH:MM/);
    const zone = await dailyCommand(
      'set',
      [text('mood', 'x'), text('time', '07:00'), text('timezone', 'Mars/Olympus')],
      {
        memberPermissions: MANAGER,
      },
    );
    expect(zone.answer.content).toMatch(/I do not know the time zone “Mars\/Olympus”/);
  });

  it('with two workers the day is posted once', async () => {
    const second = secondWorker();
    try {
      const set = await dailyCommand('set', [text('mood', 'rainy afternoon'), text('time', '15:00')], {
        memberPermissions: MANAGER,
      });
      const before = postsIn(set.channelId).length;
      await fireDaily(set.channelId);
      await stack.fake.waitFor(() => postsIn(set.channelId)[before], 30_000);
      await new Promise((r) => setTimeout(r, 1_500));
      expect(postsIn(set.channelId)).toHaveLength(before + 1);
      await dailyCommand('stop', [], { memberPermissions: MANAGER });
    } finally {
      await second.close();
    }
  });

  it('stops itself when the bot loses the channel, and says so when asked', async () => {
    const set = await dailyCommand('set', [text('mood', 'late night jazz'), text('time', '22:00')], {
      memberPermissions: MANAGER,
    });
    stack.fake.setChannelAccess(set.channelId, 'missing-access');
    try {
      const before = postsIn(set.channelId).length;
      await fireDaily(set.channelId);
      await eventually(async () =>
        (await daily.getJobScheduler(schedulerId({ platform: 'discord', channelId: set.channelId })))
          ? undefined
          : true,
      );
      expect(postsIn(set.channelId)).toHaveLength(before);
      const shown = await dailyCommand('show');
      expect(shown.answer.content).toMatch(
        /“late night jazz”\) stopped <t:\d+:F>: I lost access to this channel/,
      );
      expect(stack.logLines.filter((l) => l.includes('the bot lost the channel'))).toHaveLength(1);
    } finally {
      stack.fake.setChannelAccess(set.channelId, 'ok');
    }
  });
});

/** Another worker process's daily consumer on the same Redis, as a second replica would run it. */
function secondWorker(): Worker {
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const keys = redisKeys(stack.prefix);
  const worker = createDailyWorker({
    connection,
    recommender: stack.app.recommender,
    posters: { discord: createDiscordChannelPoster(createBotRest(stack.fake.restUrl, BOT_TOKEN)) },
    contexts: createPlaylistContexts(connection, keys),
    schedules: createDailySchedules(connection, keys),
    log: pino({ level: 'silent' }),
    prefix: stack.prefix,
  });
  const close = worker.close.bind(worker);
  worker.close = async () => {
    await close();
    connection.disconnect();
  };
  return worker;
}
