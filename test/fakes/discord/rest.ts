/**
 * The REST API under `/api/v10/`: each request recorded, delayed by the configured latency, routed (gateway
 * URLs, interaction callbacks, the interaction webhook, command registration, channel messages), failed when
 * a test scripted it (429 with Retry-After, 5xx), and answered with Discord's errors.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Callbacks } from './callbacks.ts';
import type { Channels } from './channels.ts';
import type { Commands } from './commands.ts';
import { DiscordError } from './errors.ts';
import { parseRequestBody, readBody, requireBot, sendJson } from './http.ts';
import type { FakeState } from './state.ts';
import type { FakeDiscordFailure, FakeDiscordRoute, RecordedFile, RecordedRequest } from './types.ts';
import type { Webhooks } from './webhooks.ts';

export function createRest(
  shared: FakeState,
  { handleCallback }: Callbacks,
  { handleWebhook }: Webhooks,
  { handleCommands }: Commands,
  { handleChannelMessage }: Channels,
) {
  const { options, latencyMs, requests, failures } = shared;

  function takeFailure(route: FakeDiscordRoute): FakeDiscordFailure | undefined {
    if (
      route !== 'callback' &&
      route !== 'edit' &&
      route !== 'followUp' &&
      route !== 'commands' &&
      route !== 'channelMessage'
    )
      return undefined;
    const queue = failures.get(route);
    const head = queue?.[0];
    if (queue === undefined || head === undefined) return undefined;
    head.remaining -= 1;
    if (head.remaining <= 0) queue.shift();
    return head.failure;
  }

  function respondFailure(res: ServerResponse, failure: FakeDiscordFailure, record: RecordedRequest): void {
    if (failure.status === 429) {
      const headers: Record<string, string> = {
        'retry-after': String(Math.ceil(failure.retryAfter)),
        'x-ratelimit-scope': failure.global === true ? 'global' : 'user',
      };
      if (failure.global === true) headers['x-ratelimit-global'] = 'true';
      record.status = 429;
      sendJson(
        res,
        429,
        {
          message: 'You are being rate limited.',
          retry_after: failure.retryAfter,
          global: failure.global === true,
        },
        headers,
      );
      return;
    }
    record.status = failure.status;
    sendJson(res, failure.status, { message: `${failure.status}: Internal Server Error`, code: 0 });
  }

  function routeOf(method: string, segments: readonly string[]): FakeDiscordRoute {
    const [a, b, c, d, e, f] = segments;
    const n = segments.length;
    if (a === 'gateway' && n === 1 && method === 'GET') return 'gateway';
    if (a === 'gateway' && b === 'bot' && n === 2 && method === 'GET') return 'gatewayBot';
    if (a === 'interactions' && n === 4 && d === 'callback' && method === 'POST') return 'callback';
    if (a === 'webhooks' && n === 3 && method === 'POST') return 'followUp';
    if (a === 'webhooks' && n === 5 && d === 'messages') {
      if (method === 'PATCH') return 'edit';
      if (method === 'GET') return 'getMessage';
      if (method === 'DELETE') return 'deleteMessage';
    }
    if (a === 'channels' && n === 3 && c === 'messages' && method === 'POST') return 'channelMessage';
    if (a === 'applications' && (method === 'PUT' || method === 'GET')) {
      if (n === 3 && c === 'commands') return 'commands';
      if (n === 5 && c === 'guilds' && e === 'commands' && f === undefined) return 'commands';
    }
    return 'unknown';
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const arrivedAt = Date.now();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const raw = await readBody(req);
    const prefix = '/api/v10/';
    const segments = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length).split('/') : [];
    const route = segments.length === 0 ? 'unknown' : routeOf(method, segments);
    const record: RecordedRequest = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body: undefined,
      files: [],
      route,
      at: arrivedAt,
      status: 0,
    };
    requests.push(record);
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
    let parsed: { body: unknown; files: RecordedFile[] };
    try {
      parsed = await parseRequestBody(req, raw);
    } catch (error) {
      const failure = error instanceof DiscordError ? error : new DiscordError(400, 0, '400: Bad Request');
      record.status = failure.status;
      sendJson(res, failure.status, failure.body());
      return;
    }
    Object.assign(record, { body: parsed.body, files: parsed.files });
    const failure = takeFailure(route);
    if (failure !== undefined) {
      respondFailure(res, failure, record);
      return;
    }
    try {
      const result = answer(route, req, url, segments, parsed, arrivedAt);
      record.status = result.status;
      sendJson(res, result.status, result.body);
    } catch (error) {
      const failure = error instanceof DiscordError ? error : new DiscordError(500, 0, String(error));
      record.status = failure.status;
      sendJson(res, failure.status, failure.body());
    }
  }

  function answer(
    route: FakeDiscordRoute,
    req: IncomingMessage,
    url: URL,
    segments: readonly string[],
    parsed: { body: unknown; files: RecordedFile[] },
    arrivedAt: number,
  ): { status: number; body?: unknown } {
    switch (route) {
      case 'gateway':
        return { status: 200, body: { url: `ws://127.0.0.1:${shared.port}` } };
      case 'gatewayBot':
        requireBot(req, options.botToken);
        return {
          status: 200,
          body: {
            url: `ws://127.0.0.1:${shared.port}`,
            shards: 1,
            session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 },
          },
        };
      case 'callback':
        return handleCallback(segments, url.searchParams, parsed, arrivedAt);
      case 'edit':
      case 'followUp':
      case 'getMessage':
      case 'deleteMessage':
        return handleWebhook(route, segments, parsed);
      case 'commands':
        return handleCommands(req, segments, parsed);
      case 'channelMessage':
        return handleChannelMessage(req, segments, parsed);
      default:
        throw DiscordError.notFound();
    }
  }

  return { handle };
}
