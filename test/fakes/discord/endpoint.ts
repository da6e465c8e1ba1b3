/**
 * Discord's side of an Interactions Endpoint URL: the Developer Portal's check when the URL is set (a signed
 * PING answered with PONG, a forged one refused with 401), then each interaction as a POST signed with the
 * application's Ed25519 key, whose HTTP response within 3 seconds is the initial response.
 * https://discord.com/developers/docs/interactions/overview#setting-up-an-endpoint
 */
import { Agent, request } from 'node:http';
import { InteractionResponseType, InteractionType } from 'discord.js';
import { createInteractionSigner } from '../discord-signing.ts';
import type { Callbacks } from './callbacks.ts';
import { newToken, snowflake } from './ids.ts';
import type { Interactions } from './interactions.ts';
import { isRecord, safeJson } from './json.ts';
import type { FakeState, InteractionState } from './state.ts';
import type { EndpointDelivery, FakeInteraction, SignatureKind } from './types.ts';

export type Endpoint = ReturnType<typeof createEndpoint>;

export function createEndpoint(
  shared: FakeState,
  { register }: Pick<Interactions, 'register'>,
  { acknowledge }: Pick<Callbacks, 'acknowledge'>,
) {
  const { applicationId, callbackDeadlineMs, interactionsById } = shared;
  const signer = createInteractionSigner();
  /**
   * Discord's outbound POSTs arrive over kept-alive connections, not one new TCP connection per interaction; a
   * bounded pool per endpoint stands for that (a request waits for a free connection, on Discord's clock).
   */
  const endpointAgent = new Agent({ keepAlive: true, maxSockets: 64 });
  const endpointDeliveries: EndpointDelivery[] = [];
  /** The Interactions Endpoint URL (several: replicas behind a round-robin balancer); empty = the gateway. */
  let endpointUrls: readonly string[] = [];
  let nextEndpoint = 0;

  /** One POST as Discord sends it; the response must come within Discord's 3 seconds. */
  async function postSigned(url: string, body: string, signature: SignatureKind) {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'Discord-Interactions/1.0 (+https://discord.com)',
    };
    // A forged request carries a signature of other bytes with a real timestamp, as Discord's checks do.
    if (signature === 'valid') Object.assign(headers, signer.headers(body));
    if (signature === 'forged') Object.assign(headers, signer.headers(`${body} `));
    const timeoutMs = Number.isFinite(callbackDeadlineMs) ? callbackDeadlineMs : 60_000;
    return new Promise<{ status: number; type: string; text: string }>((resolve, reject) => {
      const req = request(url, { method: 'POST', headers, agent: endpointAgent }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), text });
        });
        res.on('error', reject);
      });
      // The clock runs from the POST, queueing for a connection included: Discord's 3 seconds are the user's.
      const timer = setTimeout(() => {
        const timeout = new Error(`no response within ${timeoutMs} ms`);
        timeout.name = 'TimeoutError';
        req.destroy(timeout);
      }, timeoutMs);
      req.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      req.end(body);
    });
  }

  async function setInteractionsEndpoint(urls: string | readonly string[] | null): Promise<void> {
    if (urls === null) {
      endpointUrls = [];
      return;
    }
    const list = typeof urls === 'string' ? [urls] : [...urls];
    for (const url of list) {
      const ping = JSON.stringify({
        id: snowflake(),
        application_id: applicationId,
        type: InteractionType.Ping,
        token: newToken('ping'),
        version: 1,
      });
      const pong = await postSigned(url, ping, 'valid').catch((error: unknown) => {
        throw new Error(`fake Discord: interactions endpoint ${url} is unreachable (${String(error)})`);
      });
      const answer =
        pong.status === 200 && pong.type.startsWith('application/json') ? safeJson(pong.text) : null;
      if (!isRecord(answer) || answer.type !== InteractionResponseType.Pong) {
        throw new Error(`fake Discord: interactions endpoint ${url} did not answer the PING with {"type":1}`);
      }
      const forged = await postSigned(url, ping, 'forged');
      if (forged.status !== 401) {
        throw new Error(
          `fake Discord: interactions endpoint ${url} answered a forged signature with ${forged.status}, not 401`,
        );
      }
    }
    endpointUrls = list;
  }

  async function postInteraction(
    interaction: FakeInteraction,
    signature: SignatureKind = 'valid',
  ): Promise<EndpointDelivery> {
    const url = endpointUrls[nextEndpoint++ % Math.max(1, endpointUrls.length)];
    if (url === undefined) throw new Error('fake Discord: no Interactions Endpoint URL is set');
    if (!interactionsById.has(interaction.id)) register(interaction);
    const state = interactionsById.get(interaction.id) as InteractionState;
    state.dispatched = true;
    state.deadlineFrom = Date.now();
    const delivery: EndpointDelivery = {
      interactionId: interaction.id,
      url,
      sentAt: state.deadlineFrom,
      at: 0,
      status: 0,
      outcome: 'pending',
    };
    endpointDeliveries.push(delivery);
    const fail = (reason: string) => {
      delivery.outcome = 'failed';
      delivery.reason = reason;
      return delivery;
    };
    let response: Awaited<ReturnType<typeof postSigned>>;
    try {
      response = await postSigned(url, JSON.stringify(interaction), signature);
    } catch (error) {
      delivery.at = Date.now();
      // No answer within 3 s: the user sees "This interaction failed", and the token is dead.
      if (error instanceof Error && error.name === 'TimeoutError') state.expired = true;
      return fail(error instanceof Error ? error.name : String(error));
    }
    delivery.at = Date.now();
    delivery.status = response.status;
    if (response.status !== 200) return fail(`HTTP ${response.status}`);
    if (!response.type.startsWith('application/json')) return fail(`content-type ${response.type}`);
    const body = safeJson(response.text);
    if (body === undefined) return fail('the response is not JSON');
    try {
      acknowledge(state, { body, files: [] }, delivery.at, false, 'endpoint');
    } catch (error) {
      return fail(error instanceof Error ? error.message : String(error));
    }
    delivery.outcome = 'acknowledged';
    return delivery;
  }

  return {
    publicKey: signer.publicKey,
    endpointDeliveries,
    setInteractionsEndpoint,
    postInteraction,
    /** Whether interactions go to the endpoint (else over the gateway). */
    hasEndpoint: () => endpointUrls.length > 0,
    close: () => endpointAgent.destroy(),
  };
}
