/**
 * A local stand-in for an OpenAI-compatible API (`/v1/embeddings`, `/v1/chat/completions`), speaking the real
 * wire format so tests drive the real `openai` client. Embeddings are deterministic in the input text.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';

/** A scripted failure for the next request (any path): an HTTP error, or a response held back for `hangMs`. */
export type ScriptedFailure =
  | { readonly status: 429; readonly retryAfter?: string }
  | { readonly status: 400 | 401 | 404 | 500 | 502 | 503 }
  | { readonly hangMs: number };

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The parsed JSON body, or the raw text when it was not JSON. */
  readonly body: unknown;
}

export interface FakeOpenAIOptions {
  /** Added to every response, in milliseconds. */
  readonly latencyMs?: number;
  /** The assistant's reply text, or a function of the request's messages. */
  readonly chatReply?: ChatReply;
  /** Return vectors of this length whatever `dimensions` asks, like a server that ignores the parameter. */
  readonly forceDimensions?: number;
}

export type ChatReply = string | ((request: ChatRequest) => string);

const EmbeddingsRequest = z.object({
  model: z.string(),
  input: z.union([z.string(), z.array(z.string()).min(1)]),
  dimensions: z.number().int().positive().optional(),
  encoding_format: z.enum(['float', 'base64']).optional(),
});
export type EmbeddingsRequest = z.infer<typeof EmbeddingsRequest>;

const ChatRequest = z.object({
  model: z.string(),
  messages: z.array(z.object({ role: z.string(), content: z.string() })).min(1),
  temperature: z.number().optional(),
  max_tokens: z.number().int().positive().optional(),
});
export type ChatRequest = z.infer<typeof ChatRequest>;

export interface FakeOpenAI {
  /** Base URL ending in `/v1`, for `new OpenAI({ baseURL })`. */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Parsed bodies of the embeddings requests received so far, in order. */
  embeddingRequests(): EmbeddingsRequest[];
  /** Parsed bodies of the chat completion requests received so far, in order. */
  chatRequests(): ChatRequest[];
  /** Queue failures: each one answers one upcoming request instead of the normal response. */
  failNext(...failures: ScriptedFailure[]): void;
  /** An outage: for `ms` from now every request fails, taking the failures in turn (429, 500, a hang…). */
  failFor(ms: number, ...failures: ScriptedFailure[]): void;
  setChatReply(reply: ChatReply): void;
  setLatency(ms: number): void;
  close(): Promise<void>;
}

const DEFAULT_DIMENSIONS = 1536;

export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const requests: RecordedRequest[] = [];
  const failures: ScriptedFailure[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let latencyMs = options.latencyMs ?? 0;
  let chatReply: ChatReply = options.chatReply ?? 'Rainy Day Reverie';
  let completionCount = 0;
  let outage: { until: number; failures: readonly ScriptedFailure[]; next: number } | undefined;

  const wait = (ms: number, res: ServerResponse): Promise<void> =>
    new Promise((resolve) => {
      if (ms <= 0) return resolve();
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
      // A client that gave up (timeout) closes the socket: stop waiting so close() is prompt.
      res.once('close', () => {
        clearTimeout(timer);
        timers.delete(timer);
        resolve();
      });
    });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const text = await readBody(req);
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    requests.push({ method: req.method ?? 'GET', path, headers: req.headers, body: parseJson(text) });

    await wait(latencyMs, res);
    const failure =
      failures.shift() ??
      (outage && Date.now() < outage.until && outage.failures.length > 0
        ? outage.failures[outage.next++ % outage.failures.length]
        : undefined);
    if (failure !== undefined) {
      if ('hangMs' in failure) {
        await wait(failure.hangMs, res);
      } else {
        const headers: Record<string, string> =
          failure.status === 429 && failure.retryAfter !== undefined
            ? { 'retry-after': failure.retryAfter }
            : {};
        return sendError(
          res,
          failure.status,
          errorMessage(failure.status, req.headers.authorization),
          headers,
        );
      }
    }
    if (res.destroyed) return;

    if (req.method !== 'POST') return sendError(res, 405, `Method ${req.method} not allowed`);
    if (path === '/v1/embeddings') {
      const parsed = EmbeddingsRequest.safeParse(parseJson(text));
      if (!parsed.success) return sendError(res, 400, `Invalid embeddings request: ${parsed.error.message}`);
      const body = parsed.data;
      const inputs = typeof body.input === 'string' ? [body.input] : body.input;
      const dimensions = options.forceDimensions ?? body.dimensions ?? DEFAULT_DIMENSIONS;
      return sendJson(res, 200, {
        object: 'list',
        data: inputs.map((input, index) => {
          const vector = fakeEmbedding(input, dimensions);
          return {
            object: 'embedding',
            index,
            embedding: body.encoding_format === 'base64' ? toBase64(vector) : Array.from(vector),
          };
        }),
        model: body.model,
        usage: { prompt_tokens: countTokens(inputs), total_tokens: countTokens(inputs) },
      });
    }
    if (path === '/v1/chat/completions') {
      const parsed = ChatRequest.safeParse(parseJson(text));
      if (!parsed.success) return sendError(res, 400, `Invalid chat request: ${parsed.error.message}`);
      const content = typeof chatReply === 'string' ? chatReply : chatReply(parsed.data);
      const promptTokens = countTokens(parsed.data.messages.map((m) => m.content));
      const completionTokens = countTokens([content]);
      completionCount += 1;
      return sendJson(res, 200, {
        id: `chatcmpl-fake-${completionCount}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: parsed.data.model,
        choices: [
          { index: 0, message: { role: 'assistant', content }, finish_reason: 'stop', logprobs: null },
        ],
        usage: {
          prompt_tokens: promptTokens,
          completion_tokens: completionTokens,
          total_tokens: promptTokens + completionTokens,
        },
      });
    }
    return sendError(res, 404, `Unknown path ${path}`);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent && !res.destroyed) sendError(res, 500, `Fake server error: ${String(error)}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    embeddingRequests: () =>
      requests
        .filter((r) => r.path === '/v1/embeddings')
        .flatMap((r) => {
          const parsed = EmbeddingsRequest.safeParse(r.body);
          return parsed.success ? [parsed.data] : [];
        }),
    chatRequests: () =>
      requests
        .filter((r) => r.path === '/v1/chat/completions')
        .flatMap((r) => {
          const parsed = ChatRequest.safeParse(r.body);
          return parsed.success ? [parsed.data] : [];
        }),
    failNext: (...next) => {
      failures.push(...next);
    },
    failFor: (ms, ...cycle) => {
      outage = { until: Date.now() + ms, failures: cycle, next: 0 };
    },
    setChatReply: (reply) => {
      chatReply = reply;
    },
    setLatency: (ms) => {
      latencyMs = ms;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** A pseudo-random vector seeded by the text's hash: identical text, identical vector; not unit length. */
export function fakeEmbedding(text: string, dimensions: number): Float32Array {
  const seed = createHash('sha256').update(text).digest();
  let state = seed.readUInt32LE(0) || 1;
  const vector = new Float32Array(dimensions);
  for (let i = 0; i < dimensions; i++) {
    // xorshift32
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    vector[i] = ((state >>> 0) / 0xffffffff) * 2 - 1;
  }
  return vector;
}

function toBase64(vector: Float32Array): string {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64');
}

function countTokens(texts: readonly string[]): number {
  return texts.reduce((sum, text) => sum + text.split(/\s+/).filter(Boolean).length, 0);
}

/** Like OpenAI's own, the 401 message echoes the key it was given, so tests can prove it never leaks further. */
function errorMessage(status: number, authorization: string | undefined): string {
  switch (status) {
    case 401:
      return `Incorrect API key provided: ${authorization?.replace(/^Bearer\s+/i, '') ?? '(none)'}`;
    case 429:
      return 'Rate limit reached for requests';
    case 400:
      return 'Bad request';
    case 404:
      return 'The model does not exist';
    default:
      return 'The server had an error while processing your request';
  }
}

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'invalid_request_error',
  404: 'invalid_request_error',
  405: 'invalid_request_error',
  429: 'rate_limit_error',
};

function sendError(
  res: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
) {
  sendJson(
    res,
    status,
    { error: { message, type: ERROR_TYPES[status] ?? 'server_error', param: null, code: null } },
    headers,
  );
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.destroyed) return;
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    ...headers,
  });
  res.end(payload);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
