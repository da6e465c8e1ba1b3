/**
 * Discord's other delivery mode: the application's Interactions Endpoint URL. Discord POSTs every interaction,
 * signed, and takes the HTTP response as the initial response (type 5 deferred, 4 message, 1 PONG…): no
 * gateway connection, no REST round trip to acknowledge, and any replica behind a load balancer can answer
 * any interaction, so the bot scales by instance count. The handler is the gateway bot's (bot.ts), so both
 * modes share the admission path.
 * https://discord.com/developers/docs/interactions/receiving-and-responding#receiving-an-interaction
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type APIInteractionResponse, InteractionResponseType, MessageFlags } from 'discord.js';
import type { Logger } from 'pino';
import { MESSAGES } from './answers.ts';
import type { InteractionHandler } from './bot.ts';
import { interactionSignatureCheck } from './signature.ts';

/** Where Discord is told to POST (Developer Portal → General Information → Interactions Endpoint URL). */
export const INTERACTIONS_PATH = '/interactions';

/** Interaction payloads are a few KB (resolved users and messages included); far past that is not Discord. */
const MAX_BODY_BYTES = 1024 * 1024;
/**
 * Discord waits 3 seconds for the response. An interaction still unanswered after this long (Redis stalled)
 * gets a private "busy" note instead of "This interaction failed"; its late acknowledgement is then refused.
 */
const ANSWER_WITHIN_MS = 2_500;

export interface InteractionsEndpointOptions {
  /** DISCORD_PUBLIC_KEY: the application's Ed25519 public key, hex. */
  readonly publicKey: string;
  readonly handle: InteractionHandler;
  readonly log: Logger;
  readonly answerWithinMs?: number;
}

export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

export function createInteractionsEndpoint(options: InteractionsEndpointOptions): RequestListener {
  const signed = interactionSignatureCheck(options.publicKey);
  const { log } = options;
  return (req, res) => {
    void (async () => {
      if (req.method !== 'POST') return reply(res, 405, { error: 'method not allowed' }, { allow: 'POST' });
      const body = await readBody(req, MAX_BODY_BYTES);
      if (body === undefined) return reply(res, 413, { error: 'request body too large' });
      const signature = header(req, 'x-signature-ed25519');
      const timestamp = header(req, 'x-signature-timestamp');
      if (!signed(signature, timestamp, body)) {
        log.info({ signed: signature !== undefined }, 'interaction refused: invalid request signature');
        return reply(res, 401, { error: 'invalid request signature' });
      }
      let payload: unknown;
      try {
        payload = JSON.parse(body.toString('utf8'));
      } catch {
        return reply(res, 400, { error: 'the body is not JSON' });
      }
      await answer(payload, res, options.handle, options.answerWithinMs ?? ANSWER_WITHIN_MS, log);
    })().catch((error: unknown) => {
      log.error({ err: error }, 'interactions endpoint failed');
      if (!res.headersSent) reply(res, 500, { error: 'internal error' });
    });
  };
}

/** Runs the handler with the HTTP response as the interaction's one initial response. */
async function answer(
  payload: unknown,
  res: ServerResponse,
  handle: InteractionHandler,
  withinMs: number,
  log: Logger,
): Promise<void> {
  let answered = false;
  const respond = (response: APIInteractionResponse): Promise<void> => {
    if (answered) return Promise.reject(new Error('interaction has already been acknowledged'));
    answered = true;
    return new Promise<void>((resolve, reject) => {
      // Resolves once the response is handed to the socket, so a job enqueued after it finds Discord's
      // deferral in place before the worker edits it.
      res.once('finish', resolve);
      res.once('error', reject);
      reply(res, 200, response);
    });
  };
  const busy: APIInteractionResponse = {
    type: InteractionResponseType.ChannelMessageWithSource,
    data: { content: MESSAGES.busy, flags: MessageFlags.Ephemeral, allowed_mentions: { parse: [] } },
  };
  const timer = setTimeout(() => {
    if (answered) return;
    log.warn({}, 'interaction not answered in time; sent a busy note');
    void respond(busy).catch(() => {});
  }, withinMs);
  try {
    await handle(payload, respond);
  } finally {
    clearTimeout(timer);
  }
  // A payload the handler could not read still gets an answer; Discord would otherwise wait out its 3 s.
  if (!answered) reply(res, 400, { error: 'unreadable interaction' });
}

function reply(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
