/**
 * A local Slack for the real Bolt app and Web API client. It speaks:
 * - Web API (bot token unless said): `auth.test`, `apps.connections.open` (app token), `chat.postMessage` (a
 *   user id as the channel posts to the app's direct message with that user), `chat.postEphemeral`,
 *   `chat.update`, `views.open`, `views.update`, `users.info`. Posted messages are kept, each in its latest
 *   version (`messageAt`); modals are checked as Slack checks them (./slack/block-kit.ts).
 * - Socket Mode: the WebSocket `apps.connections.open` points at (`hello` first, envelopes out, acks recorded).
 * - response_urls: at most 5 posts within 30 minutes of creation, as Slack documents, then 404 `used_url` /
 *   `expired_url`; one bound to a message (`responseUrl(id, { channel, ts })`) replaces or deletes it on
 *   `replace_original` / `delete_original`.
 * - Interactions: trigger ids (one exchange, within 3 seconds), and the `view_submission` and `block_actions`
 *   payloads Slack would send for a modal or message the fake holds, for a test to deliver.
 * Failures can be scripted: a spent URL, a slow answer (the request is carried out at once, the reply comes
 * later: what a client that times out cannot tell from a lost post), a method failing with a chosen error, a
 * channel that refuses the bot (`not_in_channel`), an expired trigger id.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { z } from 'zod';
import { parseApiBody, readBody, sendJson, tryJson } from './slack/http.ts';
import {
  type BlockActionsPayload,
  createMessageStore,
  type MessageChange,
  type MessageRef,
  type StoredMessage,
} from './slack/messages.ts';
import { createUserDirectory, type FakeUser } from './slack/users.ts';
import {
  createViewStore,
  type OpenedView,
  type SlackView,
  type SubmittedValues,
  type ViewSubmissionPayload,
  type ViewUpdate,
} from './slack/views.ts';
import type { Workspace } from './slack/workspace.ts';

export { MODAL_LIMITS } from './slack/block-kit.ts';
export type {
  BlockAction,
  BlockActionsPayload,
  MessageChange,
  MessageRef,
  StoredMessage,
} from './slack/messages.ts';
export type { FakeUser, SlackUser } from './slack/users.ts';
export {
  type InputState,
  type OpenedView,
  type SlackView,
  type SubmittedValues,
  TRIGGER_ID_TTL_MS,
  type ViewSubmissionPayload,
  type ViewUpdate,
} from './slack/views.ts';

export interface FakeSlackOptions {
  readonly botToken: string;
  /** The app-level token Socket Mode connects with. */
  readonly appToken?: string;
  readonly teamId?: string;
  /** Milliseconds between the server's WebSocket pings (Slack pings its Socket Mode clients). */
  readonly pingIntervalMs?: number;
}

export interface ApiCall {
  readonly method: string;
  /** The bearer token (header) or `token` field the call carried, if any. */
  readonly token: string | undefined;
  readonly contentType: string;
  /** Form fields or JSON body; `blocks`, `view` and the other JSON-in-form fields are parsed. */
  readonly body: Record<string, unknown>;
  /** When it arrived (epoch ms). */
  readonly at: number;
}

export interface ResponseUrlPost {
  readonly id: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
  readonly at: number;
}

const SocketAck = z.object({
  envelope_id: z.string(),
  payload: z.record(z.string(), z.unknown()).optional(),
});
export type SocketAck = z.infer<typeof SocketAck>;

export interface EnvelopeOptions {
  /** Slack's redelivery counter (`retry_attempt`), 0 for a first delivery. */
  readonly retryAttempt?: number;
  readonly timeoutMs?: number;
}

/** https://api.slack.com/interactivity/handling#message_responses */
export const RESPONSE_URL_LIMITS = { posts: 5, ttlMs: 30 * 60_000 } as const;

export interface FakeSlack {
  /** For `clientOptions.slackApiUrl`: `http://127.0.0.1:PORT/api/`. */
  readonly apiUrl: string;
  readonly origin: string;
  readonly calls: ApiCall[];
  readonly responses: ResponseUrlPost[];
  /** Every message Socket Mode clients sent (acks), in order. */
  readonly socketMessages: unknown[];
  /** Every view `views.open` opened, in order, as it was answered. */
  readonly views: readonly OpenedView[];
  /** Every view `views.update` replaced, in order, as it was answered. */
  readonly viewUpdates: readonly ViewUpdate[];
  /** Every change `chat.update` or a response_url made to a held message, in order. */
  readonly messageUpdates: readonly MessageChange[];
  /**
   * A fresh response_url served by this fake. Bound to a message the fake holds, a post with
   * `replace_original: true` replaces that message and one with `delete_original: true` deletes it. Throws
   * when the fake holds no such message.
   */
  responseUrl(id?: string, message?: MessageRef): string;
  /** Later POSTs to this response_url get this status and body (Slack: 404 `expired_url` / `used_url`). */
  failResponseUrl(url: string, status?: number, body?: string): void;
  /** The response_url is past its 30 minutes: later POSTs get 404 `expired_url`. */
  expireResponseUrl(url: string): void;
  /** The next `times` POSTs to this response_url are taken (recorded, counted) at once but answered `ms` later. */
  slowResponseUrl(url: string, ms: number, times?: number): void;
  /** The next `times` calls of this Web API method are carried out at once but answered `ms` later. */
  slowApi(method: string, ms: number, times?: number): void;
  /**
   * The next `times` calls of this Web API method (after the token check) are not carried out and answer
   * `{ ok: false, error }`, e.g. `failApi('views.open', 'internal_error')`.
   */
  failApi(method: string, error: string, times?: number): void;
  /** Posts to this channel (`chat.postMessage`, `chat.postEphemeral`) fail with this error, e.g. `not_in_channel`. */
  refuseChannel(channel: string, error?: string): void;
  postsTo(url: string): ResponseUrlPost[];
  /**
   * A trigger id as Slack puts in a slash command or interaction payload: `views.open` takes it once, within
   * {@link TRIGGER_ID_TTL_MS} of this call. `user` is whom a modal opened with it is for.
   */
  triggerId(user?: string): string;
  /** The trigger id is past its 3 seconds now: `views.open` answers `expired_trigger_id`. */
  expireTrigger(triggerId: string): void;
  /** The latest version of a view `views.open` opened (after any `views.update`). */
  viewById(viewId: string): SlackView | undefined;
  /**
   * The `view_submission` payload Slack sends when the user submits this view with these inputs (inputs not
   * given keep their initial value), for `sendEnvelope('interactive', …)` or a signed HTTP post. Throws for
   * a view never opened, a block or action id the view lacks, or input Slack's client would not submit.
   * @param user defaults to the trigger's user, else U0ALICE
   */
  viewSubmission(viewId: string, values?: SubmittedValues, user?: string): ViewSubmissionPayload;
  /**
   * The `block_actions` payload for a click on the button, or the pick of the option `value` in the
   * static_select, with this action_id in a message the fake holds: a fresh trigger id and a response_url
   * bound to the message. Throws when the message or element does not exist.
   */
  blockAction(
    message: MessageRef,
    actionId: string,
    options?: { readonly value?: string; readonly user?: string },
  ): BlockActionsPayload;
  /** The latest version of a message; undefined when it was never posted or was deleted. */
  messageAt(channel: string, ts: string): StoredMessage | undefined;
  /** The messages a channel now holds, oldest first (ephemeral ones included, marked). */
  messagesIn(channel: string): StoredMessage[];
  /** A message a person posted (the bot cannot `chat.update` it); resolves with its ts. */
  addMessage(message: {
    readonly channel: string;
    readonly user: string;
    readonly text: string;
    readonly blocks?: readonly unknown[];
  }): string;
  /** A workspace member `users.info` knows; anyone else is `user_not_found`. */
  addUser(user: FakeUser): void;
  /** Number of open Socket Mode connections that got their `hello`. */
  connections(): number;
  /** Sends an envelope to the newest Socket Mode connection and resolves with the client's ack. */
  sendEnvelope(type: string, payload: Record<string, unknown>, options?: EnvelopeOptions): Promise<SocketAck>;
  close(): Promise<void>;
}

interface Scripted<T> {
  readonly value: T;
  times: number;
}

/** Takes one use of a scripted behaviour for this key, if there is one left. */
function take<T>(scripts: Map<string, Scripted<T>>, key: string): T | undefined {
  const entry = scripts.get(key);
  if (entry === undefined) return undefined;
  entry.times -= 1;
  if (entry.times <= 0) scripts.delete(key);
  return entry.value;
}

const hookId = (url: string) => url.split('/').at(-1) ?? '';

export async function startFakeSlack(options: FakeSlackOptions): Promise<FakeSlack> {
  const workspace: Workspace = {
    teamId: options.teamId ?? 'T0FAKE',
    teamDomain: 'fake',
    appId: 'A0FAKE',
    botUserId: 'U0BOT',
    botId: 'B0BOT',
  };
  const calls: ApiCall[] = [];
  const responses: ResponseUrlPost[] = [];
  const socketMessages: unknown[] = [];
  const failing = new Map<string, { status: number; body: string }>();
  /** Per response_url id: when it was made (by `responseUrl()` or first seen), whether it expired early, and
   * the message it answers for, if the test bound one. */
  const hooks = new Map<string, { createdAt: number; expired: boolean; message?: MessageRef }>();
  const slowHooks = new Map<string, Scripted<number>>();
  const slowMethods = new Map<string, Scripted<number>>();
  const failingMethods = new Map<string, Scripted<string>>();
  const refusedChannels = new Map<string, string>();
  const sockets: WebSocket[] = [];
  const pending = new Map<string, (ack: SocketAck) => void>();
  let origin = '';
  let ts = 1_700_000_000;

  const users = createUserDirectory(workspace);
  const views = createViewStore(workspace, users.ref);

  function responseUrl(id = randomBytes(6).toString('hex'), message?: MessageRef): string {
    if (message !== undefined && !store.exists(message))
      throw new Error(`cannot bind a response_url to ${message.ts} in ${message.channel}: no such message`);
    const hook = hooks.get(id) ?? { createdAt: Date.now(), expired: false };
    hooks.set(id, message === undefined ? hook : { ...hook, message });
    return `${origin}/response/${id}`;
  }

  const store = createMessageStore({
    workspace,
    nextTs: () => {
      ts += 1;
      return `${ts}.000100`;
    },
    refusal: (channel) => refusedChannels.get(channel),
    userRef: users.ref,
    issueTrigger: views.issueTrigger,
    responseUrlFor: (message) => responseUrl(undefined, message),
  });

  /** Slack answers Web API calls with HTTP 200 and `ok: false` plus an error code when they fail. */
  function apiReply(method: string, call: ApiCall): Record<string, unknown> {
    const expected = method === 'apps.connections.open' ? options.appToken : options.botToken;
    if (!call.token) return { ok: false, error: 'not_authed' };
    if (call.token !== expected) return { ok: false, error: 'invalid_auth' };
    const scripted = take(failingMethods, method);
    if (scripted !== undefined) return { ok: false, error: scripted };
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://fake.slack.com/',
          team: 'Fake',
          user: 'sonic-mood',
          team_id: workspace.teamId,
          user_id: workspace.botUserId,
          bot_id: workspace.botId,
        };
      case 'apps.connections.open':
        return {
          ok: true,
          url: `${origin.replace(/^http/, 'ws')}/socket-mode?ticket=${randomBytes(8).toString('hex')}`,
        };
      case 'chat.postMessage':
      case 'chat.postEphemeral':
        return store.post(method, call.body);
      case 'chat.update':
        return store.update(call.body);
      case 'views.open':
        return views.open(call.body);
      case 'views.update':
        return views.update(call.body);
      case 'users.info':
        return users.info(call.body);
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  /** Waits before answering when the next request of this kind was scripted to be slow. */
  async function slowDown(slow: Map<string, Scripted<number>>, key: string): Promise<void> {
    const ms = take(slow, key);
    if (ms !== undefined) await new Promise((resolve) => setTimeout(resolve, ms));
  }

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', origin);
      const raw = await readBody(req);
      const contentType = req.headers['content-type'] ?? '';
      const api = /^\/api\/([\w.]+)$/.exec(url.pathname);
      if (api?.[1] && req.method === 'POST') {
        const body = parseApiBody(contentType, raw);
        const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
        const call: ApiCall = {
          method: api[1],
          token: bearer ?? (typeof body.token === 'string' ? body.token : undefined),
          contentType,
          body,
          at: Date.now(),
        };
        calls.push(call);
        const reply = apiReply(api[1], call);
        await slowDown(slowMethods, api[1]);
        return sendJson(res, 200, reply);
      }
      const hook = /^\/response\/([\w-]+)$/.exec(url.pathname);
      if (hook?.[1] && req.method === 'POST') {
        const id = hook[1];
        const body = tryJson(raw);
        const uses = responses.filter((r) => r.id === id).length;
        responses.push({ id, headers: req.headers, body, at: Date.now() });
        const state = hooks.get(id) ?? { createdAt: Date.now(), expired: false };
        hooks.set(id, state);
        const failure =
          failing.get(id) ??
          (state.expired || Date.now() - state.createdAt > RESPONSE_URL_LIMITS.ttlMs
            ? { status: 404, body: 'expired_url' }
            : uses >= RESPONSE_URL_LIMITS.posts
              ? { status: 404, body: 'used_url' }
              : undefined);
        // Carried out before a scripted slow answer, like the Web API: the client cannot tell.
        if (failure === undefined && state.message !== undefined) store.fromResponseUrl(state.message, body);
        await slowDown(slowHooks, id);
        res.writeHead(failure?.status ?? 200, { 'content-type': 'text/plain' });
        return res.end(failure?.body ?? 'ok');
      }
      res.writeHead(404).end();
    })().catch(() => {
      if (!res.writableEnded) res.writeHead(500).end();
    });
  });

  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    if (!req.url?.startsWith('/socket-mode')) return socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.push(ws);
      const pinger = setInterval(() => ws.ping(), options.pingIntervalMs ?? 5_000);
      ws.on('close', () => {
        clearInterval(pinger);
        sockets.splice(sockets.indexOf(ws), 1);
      });
      ws.on('message', (data) => {
        let message: unknown;
        try {
          message = JSON.parse(String(data));
        } catch {
          return;
        }
        socketMessages.push(message);
        const ack = SocketAck.safeParse(message);
        if (ack.success) pending.get(ack.data.envelope_id)?.(ack.data);
      });
      ws.send(
        JSON.stringify({
          type: 'hello',
          num_connections: sockets.length,
          debug_info: { host: 'fake-slack', approximate_connection_time: 18060 },
          connection_info: { app_id: workspace.appId },
        }),
      );
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    apiUrl: `${origin}/api/`,
    origin,
    calls,
    responses,
    socketMessages,
    views: views.opened,
    viewUpdates: views.updates,
    messageUpdates: store.changes,
    responseUrl,
    failResponseUrl(url, status = 404, body = 'expired_url') {
      failing.set(hookId(url), { status, body });
    },
    expireResponseUrl(url) {
      const id = hookId(url);
      const hook = hooks.get(id);
      hooks.set(id, { ...hook, createdAt: hook?.createdAt ?? Date.now(), expired: true });
    },
    slowResponseUrl(url, ms, times = 1) {
      slowHooks.set(hookId(url), { value: ms, times });
    },
    slowApi(method, ms, times = 1) {
      slowMethods.set(method, { value: ms, times });
    },
    failApi(method, error, times = 1) {
      failingMethods.set(method, { value: error, times });
    },
    refuseChannel(channel, error = 'not_in_channel') {
      refusedChannels.set(channel, error);
    },
    postsTo: (url) => responses.filter((r) => r.id === hookId(url)),
    triggerId: (user) => views.issueTrigger(user),
    expireTrigger: (triggerId) => views.expireTrigger(triggerId),
    viewById: (viewId) => views.latest(viewId),
    viewSubmission: (viewId, values = {}, user) => views.submission(viewId, values, user),
    blockAction: (message, actionId, actionOptions) => store.blockAction(message, actionId, actionOptions),
    messageAt: (channel, messageTs) => store.at(channel, messageTs),
    messagesIn: (channel) => store.in(channel),
    addMessage: (message) => store.addByUser(message),
    addUser: (user) => users.add(user),
    connections: () => sockets.length,
    sendEnvelope(type, payload, { retryAttempt = 0, timeoutMs = 5_000 } = {}) {
      const ws = sockets.at(-1);
      if (!ws) return Promise.reject(new Error('no Socket Mode connection'));
      const envelopeId = randomBytes(8).toString('hex');
      return new Promise<SocketAck>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(envelopeId);
          reject(new Error(`no ack for envelope ${envelopeId} within ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(envelopeId, (ack) => {
          clearTimeout(timer);
          pending.delete(envelopeId);
          resolve(ack);
        });
        ws.send(
          JSON.stringify({
            envelope_id: envelopeId,
            type,
            accepts_response_payload: type !== 'events_api',
            retry_attempt: retryAttempt,
            retry_reason: retryAttempt > 0 ? 'timeout' : '',
            payload,
          }),
        );
      });
    },
    close() {
      for (const ws of sockets) ws.terminate();
      wss.close();
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}
