/**
 * A local Slack for the real Bolt app and Web API client: the Web API methods Sonic Mood calls (`auth.test`,
 * `chat.postMessage`, `chat.postEphemeral`, `apps.connections.open`), the Socket Mode WebSocket that
 * `apps.connections.open` points at (`hello` first, envelopes out, acks recorded), and a receiver for
 * response_urls. As Slack documents, a response_url takes at most 5 posts within 30 minutes of its creation,
 * then answers 404 `used_url` / `expired_url`; a user id as `chat.postMessage`'s channel posts to the app's
 * direct message with that user. Failures can be scripted: a spent URL, a slow answer (the post is taken at
 * once, the reply comes later: what a client that times out cannot tell from a lost post), a channel that
 * refuses the bot (`not_in_channel`).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { z } from 'zod';

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
  /** Form fields or JSON body; `blocks` and other JSON-in-form fields are parsed. */
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
  /** A fresh response_url served by this fake. */
  responseUrl(id?: string): string;
  /** Later POSTs to this response_url get this status and body (Slack: 404 `expired_url` / `used_url`). */
  failResponseUrl(url: string, status?: number, body?: string): void;
  /** The response_url is past its 30 minutes: later POSTs get 404 `expired_url`. */
  expireResponseUrl(url: string): void;
  /** The next `times` POSTs to this response_url are taken (recorded, counted) at once but answered `ms` later. */
  slowResponseUrl(url: string, ms: number, times?: number): void;
  /** The next `times` calls of this Web API method are carried out at once but answered `ms` later. */
  slowApi(method: string, ms: number, times?: number): void;
  /** Posts to this channel (`chat.postMessage`, `chat.postEphemeral`) fail with this error, e.g. `not_in_channel`. */
  refuseChannel(channel: string, error?: string): void;
  postsTo(url: string): ResponseUrlPost[];
  /** Number of open Socket Mode connections that got their `hello`. */
  connections(): number;
  /** Sends an envelope to the newest Socket Mode connection and resolves with the client's ack. */
  sendEnvelope(type: string, payload: Record<string, unknown>, options?: EnvelopeOptions): Promise<SocketAck>;
  close(): Promise<void>;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed || res.writableEnded) return;
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The Web API takes form fields (objects JSON-encoded inside them, as the Node client sends) or JSON. */
function parseApiBody(contentType: string, raw: string): Record<string, unknown> {
  if (contentType.startsWith('application/json')) {
    const parsed = z.record(z.string(), z.unknown()).safeParse(JSON.parse(raw || '{}'));
    return parsed.success ? parsed.data : {};
  }
  const body: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    body[key] = /^[[{]/.test(value) ? JSON.parse(value) : value;
  }
  return body;
}

export async function startFakeSlack(options: FakeSlackOptions): Promise<FakeSlack> {
  const teamId = options.teamId ?? 'T0FAKE';
  const calls: ApiCall[] = [];
  const responses: ResponseUrlPost[] = [];
  const socketMessages: unknown[] = [];
  const failing = new Map<string, { status: number; body: string }>();
  /** Per response_url id: when it was made (by `responseUrl()` or first seen) and whether it expired early. */
  const hooks = new Map<string, { createdAt: number; expired: boolean }>();
  const slowHooks = new Map<string, { ms: number; times: number }>();
  const slowMethods = new Map<string, { ms: number; times: number }>();
  const refusedChannels = new Map<string, string>();
  const sockets: WebSocket[] = [];
  const pending = new Map<string, (ack: SocketAck) => void>();
  let origin = '';
  let ts = 1_700_000_000;

  /** Slack answers Web API calls with HTTP 200 and `ok: false` plus an error code when they fail. */
  function apiReply(method: string, call: ApiCall): Record<string, unknown> {
    const expected = method === 'apps.connections.open' ? options.appToken : options.botToken;
    if (!call.token) return { ok: false, error: 'not_authed' };
    if (call.token !== expected) return { ok: false, error: 'invalid_auth' };
    const { channel, user, text, blocks } = call.body;
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://fake.slack.com/',
          team: 'Fake',
          user: 'sonic-mood',
          team_id: teamId,
          user_id: 'U0BOT',
          bot_id: 'B0BOT',
        };
      case 'apps.connections.open':
        return {
          ok: true,
          url: `${origin.replace(/^http/, 'ws')}/socket-mode?ticket=${randomBytes(8).toString('hex')}`,
        };
      case 'chat.postMessage':
      case 'chat.postEphemeral': {
        if (typeof channel !== 'string') return { ok: false, error: 'channel_not_found' };
        const refused = refusedChannels.get(channel);
        if (refused !== undefined) return { ok: false, error: refused };
        if (method === 'chat.postEphemeral' && typeof user !== 'string')
          return { ok: false, error: 'user_not_in_channel' };
        if (typeof text !== 'string' && !Array.isArray(blocks)) return { ok: false, error: 'no_text' };
        ts += 1;
        // A user id as the channel is the app's direct message with that user.
        const posted = /^[UW]/.test(channel) ? `D${channel.slice(1)}` : channel;
        return method === 'chat.postMessage'
          ? { ok: true, channel: posted, ts: `${ts}.000100`, message: { text, blocks } }
          : { ok: true, message_ts: `${ts}.000100` };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  /** Waits before answering when the next request of this kind was scripted to be slow. */
  async function slowDown(slow: Map<string, { ms: number; times: number }>, key: string): Promise<void> {
    const entry = slow.get(key);
    if (entry === undefined) return;
    entry.times -= 1;
    if (entry.times <= 0) slow.delete(key);
    await new Promise((resolve) => setTimeout(resolve, entry.ms));
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
        let body: unknown = raw;
        try {
          body = JSON.parse(raw);
        } catch {}
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
          connection_info: { app_id: 'A0FAKE' },
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
    responseUrl(id = randomBytes(6).toString('hex')) {
      if (!hooks.has(id)) hooks.set(id, { createdAt: Date.now(), expired: false });
      return `${origin}/response/${id}`;
    },
    failResponseUrl(url, status = 404, body = 'expired_url') {
      const id = url.split('/').at(-1) ?? '';
      failing.set(id, { status, body });
    },
    expireResponseUrl(url) {
      const id = url.split('/').at(-1) ?? '';
      hooks.set(id, { createdAt: hooks.get(id)?.createdAt ?? Date.now(), expired: true });
    },
    slowResponseUrl(url, ms, times = 1) {
      slowHooks.set(url.split('/').at(-1) ?? '', { ms, times });
    },
    slowApi(method, ms, times = 1) {
      slowMethods.set(method, { ms, times });
    },
    refuseChannel(channel, error = 'not_in_channel') {
      refusedChannels.set(channel, error);
    },
    postsTo: (url) => responses.filter((r) => r.id === url.split('/').at(-1)),
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
