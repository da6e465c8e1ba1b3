/**
 * A playlist's controls on Slack end to end — Refine… (`views.open` with the click's trigger_id, then the
 * `view_submission`), Swap a song… (a static_select), 👍 / 👎 — through the real Bolt app in Socket Mode,
 * Redis/BullMQ and the worker's core on PGlite, against a fake Slack that holds the app to Slack's rules (a
 * trigger_id used once within 3 seconds, modal limits, a response_url that replaces the message it belongs to,
 * `chat.update` only on the bot's own messages).
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type App, webApi } from '@slack/bolt';
import type { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackApp } from '../bots/slack/app.ts';
import { ACTION_IDS, REFINE_VIEW } from '../bots/slack/commands.ts';
import { createSlackResponder } from '../bots/slack/responder.ts';
import { loadConfig } from '../core/config.ts';
import { LocalWriter } from '../core/local/writer.ts';
import { createRecommender } from '../core/recommend.ts';
import { activate } from '../db/embedding-models.ts';
import { backfillEmbeddings } from '../db/embeddings.ts';
import { ingestCatalog } from '../db/ingest/catalog.ts';
import { createSongIndex } from '../db/song-index.ts';
import { createFeedbackStore } from '../workers/feedback.ts';
import { createDeliveryGuard, createRequestLimits } from '../workers/limits.ts';
import { createMoodQueue, type MoodQueue } from '../workers/mood-queue.ts';
import { createMoodWorker } from '../workers/mood-worker.ts';
import { createPlaylistContexts } from '../workers/playlist-context.ts';
import { redisKeys } from '../workers/redis-keys.ts';
import { type FakeSlack, type MessageRef, type StoredMessage, startFakeSlack } from './fakes/slack-server.ts';
import { createPGliteDatabase, type TestDatabase } from './support/databases.ts';
import { eventually } from './support/eventually.ts';
import { localEmbedder } from './support/models.ts';
import { dropPrefix, REDIS_URL, testPrefix } from './support/redis.ts';

const BOT_TOKEN = 'xoxb-controls-bot-token';
const APP_TOKEN = 'xapp-1-controls-app-token';
const CHANNEL = 'C0MUSIC';

const CATALOG = [
  'name,artist,year,genre,tags,popularity',
  'Lose Yourself,Eminem,2002,hip-hop,angry;energetic;workout;party,93',
  'Stronger,Kanye West,2007,hip-hop,energetic;workout;party,88',
  'Hypnotize,The Notorious B.I.G.,1997,hip-hop,party;energetic;dance,85',
  'Jump Around,House of Pain,1992,hip-hop,party;energetic;dance,80',
  'Uptown Funk,Bruno Mars,2014,funk,happy;party;dance;energetic,93',
  'Dancing Queen,ABBA,1976,disco,happy;energetic;dance;party,90',
  'Vogue,Madonna,1990,pop,dance;party;energetic,82',
  'Rhythm Is a Dancer,Snap!,1992,dance,dance;party;energetic,75',
  'Macarena,Los del Río,1995,latin,dance;party;happy,70',
  'Wannabe,Spice Girls,1996,pop,party;happy;dance,84',
  'Smells Like Teen Spirit,Nirvana,1991,grunge,angry;energetic;party,92',
  'I Gotta Feeling,Black Eyed Peas,2009,pop,happy;party;dance,85',
  'Shut Up and Dance,WALK THE MOON,2014,pop,happy;party;dance,80',
  'Weightless,Marconi Union,2011,ambient,relaxed;mellow;peaceful,60',
].join('\n');

let t: TestDatabase;
let slack: FakeSlack;
let prefix: string;
let producer: Redis;
let consumer: Redis;
let queue: MoodQueue;
let worker: Worker;
let app: App;
const genres = new Map<string, string>();

beforeAll(async () => {
  const [db, embedder, fake] = await Promise.all([
    createPGliteDatabase(),
    localEmbedder(),
    startFakeSlack({ botToken: BOT_TOKEN, appToken: APP_TOKEN }),
  ]);
  t = db;
  slack = fake;
  const dir = await mkdtemp(path.join(tmpdir(), 'sonic-mood-slack-controls-'));
  await writeFile(path.join(dir, 'catalog.csv'), CATALOG);
  await ingestCatalog(t.db, path.join(dir, 'catalog.csv'));
  const { modelId } = await backfillEmbeddings(t.db, embedder);
  await activate(t.db, modelId);
  for (const r of (await t.db.query<{ id: string; genre: string }>('SELECT id::text AS id, genre FROM songs'))
    .rows)
    genres.set(r.id, r.genre);

  prefix = testPrefix();
  producer = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  consumer = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const keys = redisKeys(prefix);
  const log = pino({ level: 'silent' });
  // Every track also links to YouTube Music and Deezer, as LINK_PLATFORMS asks.
  const config = loadConfig({ CANDIDATE_POOL: '50', LINK_PLATFORMS: 'spotify,youtube-music,deezer' });
  queue = createMoodQueue(producer, { attempts: 2, prefix });
  worker = createMoodWorker({
    connection: consumer,
    recommender: createRecommender({
      embedder,
      writer: new LocalWriter(embedder),
      index: createSongIndex(t.db),
      links: {
        name: 'search',
        resolve: async (r) => r.map(() => ({ url: 'https://open.spotify.com/search/x', kind: 'search' })),
      },
      feedback: createFeedbackStore(consumer, keys),
      options: config.recommend,
    }),
    responders: {
      slack: createSlackResponder({
        client: new webApi.WebClient(BOT_TOKEN, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } }),
        log,
        isSlackResponseUrl: (url) => url.origin === slack.origin,
      }),
    },
    contexts: createPlaylistContexts(consumer, keys),
    concurrency: 2,
    lockMs: 10_000,
    log,
    prefix,
  });
  app = await createSlackApp(
    { mode: 'socket', botToken: BOT_TOKEN, signingSecret: '', appToken: APP_TOKEN, apiUrl: slack.apiUrl },
    {
      queue,
      limits: createRequestLimits(producer, { cooldownSeconds: 0, groupHourlyCap: 1000, keys }),
      contexts: createPlaylistContexts(producer, keys),
      deliveries: createDeliveryGuard(producer, keys),
      feedback: createFeedbackStore(producer, keys),
      log,
    },
  );
  await app.start();
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await worker?.close();
  await queue?.close();
  producer?.disconnect();
  consumer?.disconnect();
  await Promise.all([t?.drop(), slack?.close()]);
  if (prefix) await dropPrefix(prefix);
});

/**
 * A public playlist in the channel: the command's response_url is spent, so the worker posts it with the bot
 * token (chat.postMessage) and the fake holds it as a message the controls can be clicked on.
 */
async function playlist(text: string, size = 5): Promise<MessageRef> {
  const before = slack.messagesIn(CHANNEL).length;
  const responseUrl = slack.responseUrl();
  slack.failResponseUrl(responseUrl, 404, 'used_url');
  await slack.sendEnvelope('slash_commands', {
    token: 'deprecated-verification-token',
    team_id: 'T0FAKE',
    team_domain: 'fake',
    channel_id: CHANNEL,
    channel_name: 'music',
    user_id: 'U0DAVE',
    user_name: 'dave',
    command: '/mood',
    text: `${text} size:${size}`,
    api_app_id: 'A0FAKE',
    response_url: responseUrl,
    trigger_id: slack.triggerId('U0DAVE'),
  });
  const message = await eventually(() => slack.messagesIn(CHANNEL)[before]);
  return { channel: message.channel, ts: message.ts };
}

/** Clicks Refine… and resolves with the modal it opened. */
async function openRefine(click: ReturnType<FakeSlack['blockAction']>) {
  const opened = slack.views.length;
  await slack.sendEnvelope('interactive', click);
  return eventually(() => slack.views[opened]);
}

type Element = { type: string; action_id?: string; options?: { value: string }[] };
const latest = (ref: MessageRef): StoredMessage => {
  const message = slack.messageAt(ref.channel, ref.ts);
  if (!message) throw new Error('message gone');
  return message;
};
const elementsOf = (message: StoredMessage) =>
  ((message.blocks.at(-1) as { elements?: Element[] } | undefined)?.elements ?? []) as Element[];
/** `<context id>:<song id>` of each track, in order: the swap menu's values. */
const swapValues = (message: StoredMessage) =>
  elementsOf(message)
    .find((e) => e.action_id === ACTION_IDS.swap)
    ?.options?.map((o) => o.value) ?? [];
const songIds = (message: StoredMessage) => swapValues(message).map((v) => v.split(':')[1] ?? '');
const contextLine = (message: StoredMessage) =>
  JSON.stringify((message.blocks[1] as { elements?: unknown[] } | undefined)?.elements?.[0] ?? '');

describe('Refine… on Slack', () => {
  it('opens a modal with the click’s trigger_id; its submission replaces the playlist, constraints applied', async () => {
    const ref = await playlist('energetic party', 6);
    expect(songIds(latest(ref)).some((id) => genres.get(id) === 'hip-hop')).toBe(true);
    const view = await openRefine(slack.blockAction(ref, ACTION_IDS.refine, { user: 'U0DAVE' }));
    expect(view.view.callback_id).toBe(REFINE_VIEW.callbackId);

    const edits = latest(ref).edits;
    const ack = await slack.sendEnvelope(
      'interactive',
      slack.viewSubmission(view.id, {
        [REFINE_VIEW.blockId]: { [REFINE_VIEW.actionId]: 'no rap, more 90s' },
      }),
    );
    // An empty ack closes the modal.
    expect(ack.payload ?? {}).toEqual({});
    const refined = await eventually(() => (latest(ref).edits > edits ? latest(ref) : undefined));
    expect(contextLine(refined)).toMatch(/for “energetic party” · no rap · 1990–1999/);
    const ids = songIds(refined);
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) expect(genres.get(id)).not.toBe('hip-hop');
    // The playlist keeps its controls.
    expect(elementsOf(refined).map((e) => e.action_id)).toContain(ACTION_IDS.refine);
  });

  it('a refine that reads as nothing keeps the modal open with the problem under the field', async () => {
    const ref = await playlist('party dance anthems', 5);
    const view = await openRefine(slack.blockAction(ref, ACTION_IDS.refine, { user: 'U0DAVE' }));
    const ack = await slack.sendEnvelope(
      'interactive',
      slack.viewSubmission(view.id, {
        [REFINE_VIEW.blockId]: { [REFINE_VIEW.actionId]: '<@U0BOSS> <!here>' },
      }),
    );
    expect(ack.payload).toMatchObject({
      response_action: 'errors',
      errors: { [REFINE_VIEW.blockId]: expect.any(String) },
    });
  });

  it('a follow-up with nothing to apply keeps the modal open and says why', async () => {
    const ref = await playlist('party dance anthems', 5);
    const view = await openRefine(slack.blockAction(ref, ACTION_IDS.refine, { user: 'U0DAVE' }));
    const ack = await slack.sendEnvelope(
      'interactive',
      slack.viewSubmission(view.id, { [REFINE_VIEW.blockId]: { [REFINE_VIEW.actionId]: 'thanks!' } }),
    );
    expect(ack.payload).toMatchObject({
      response_action: 'errors',
      errors: { [REFINE_VIEW.blockId]: expect.stringMatching(/could not find anything to change/) },
    });
  });

  it('is the requester’s alone: someone else gets a private note and no modal', async () => {
    const ref = await playlist('party dance anthems', 5);
    const opened = slack.views.length;
    const click = slack.blockAction(ref, ACTION_IDS.refine, { user: 'U0ERIN' });
    await slack.sendEnvelope('interactive', click);
    const answer = await eventually(() => slack.postsTo(click.response_url)[0]);
    expect(answer.body).toMatchObject({
      response_type: 'ephemeral',
      replace_original: false,
      text: expect.stringMatching(/^Only the person who asked/),
    });
    expect(slack.views.length).toBe(opened);
  });

  it('when the click’s response_url is spent, the public playlist is replaced with chat.update', async () => {
    const ref = await playlist('party dance anthems', 5);
    const click = slack.blockAction(ref, ACTION_IDS.refine, { user: 'U0DAVE' });
    const view = await openRefine(click);
    slack.failResponseUrl(click.response_url, 404, 'used_url');
    await slack.sendEnvelope(
      'interactive',
      slack.viewSubmission(view.id, { [REFINE_VIEW.blockId]: { [REFINE_VIEW.actionId]: 'without Nirvana' } }),
    );
    await eventually(() => slack.messageUpdates.find((u) => u.ts === ref.ts && u.via === 'chat.update'));
    expect(contextLine(latest(ref))).toMatch(/· no Nirvana/);
  });
});

describe('Listen anywhere on Slack', () => {
  it('each posted track links to Spotify, YouTube Music and Deezer (LINK_PLATFORMS)', async () => {
    const ref = await playlist('party dance anthems', 5);
    const sections = latest(ref).blocks.filter((b) => (b as { type: string }).type === 'section') as {
      text: { text: string };
    }[];
    expect(sections).toHaveLength(5);
    for (const { text } of sections) {
      expect(text.text).toMatch(/<https:\/\/open\.spotify\.com\/[^|>]+\|[^>]+>/);
      expect(text.text).toMatch(
        / · <https:\/\/music\.youtube\.com\/search\?q=[^|>]+\|YT Music> · <https:\/\/www\.deezer\.com\/search\/[^|>]+\|Deezer>/,
      );
    }
  });
});

describe('Swap a song… on Slack', () => {
  it('replaces the picked song in place; the others stay', async () => {
    const ref = await playlist('party dance anthems', 5);
    const before = latest(ref);
    const ids = songIds(before);
    const edits = before.edits;
    await slack.sendEnvelope(
      'interactive',
      slack.blockAction(ref, ACTION_IDS.swap, { value: swapValues(before)[1] ?? '', user: 'U0DAVE' }),
    );
    const after = await eventually(() => (latest(ref).edits > edits ? latest(ref) : undefined));
    const now = songIds(after);
    expect(now).toHaveLength(5);
    expect(now.filter((_, i) => i !== 1)).toEqual(ids.filter((_, i) => i !== 1));
    expect(ids).not.toContain(now[1]);
  });
});

describe('👍 / 👎 on Slack', () => {
  it('thanks the voter privately, once, and leaves the playlist alone', async () => {
    const ref = await playlist('party dance anthems', 5);
    const vote = async () => {
      const click = slack.blockAction(ref, ACTION_IDS.up, { user: 'U0ERIN' });
      await slack.sendEnvelope('interactive', click);
      return eventually(() => slack.postsTo(click.response_url)[0]);
    };
    const first = await vote();
    expect(first.body).toMatchObject({
      response_type: 'ephemeral',
      replace_original: false,
      text: 'Thanks! Songs like these will keep coming here.',
    });
    expect((await vote()).body).toMatchObject({ text: 'You already said so about this playlist.' });
    expect(latest(ref).edits).toBe(0);
  });
});
