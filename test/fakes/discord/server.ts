/** `startFakeDiscord`: one HTTP server for REST and the gateway's WebSocket, on a free port of 127.0.0.1. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GatewayOpcodes } from 'discord.js';
import { WebSocketServer } from 'ws';
import { createCallbacks } from './callbacks.ts';
import { createChannels } from './channels.ts';
import { createCommands } from './commands.ts';
import { createEndpoint } from './endpoint.ts';
import { createGateway } from './gateway.ts';
import { createGuildObject } from './guild.ts';
import { sendJson } from './http.ts';
import { createInteractions } from './interactions.ts';
import { createMessages } from './messages.ts';
import { createPlaces } from './places.ts';
import { createRest } from './rest.ts';
import { createState } from './state.ts';
import type { FakeDiscord, FakeDiscordOptions, FakeInteraction } from './types.ts';
import { createWebhooks } from './webhooks.ts';

export async function startFakeDiscord(options: FakeDiscordOptions): Promise<FakeDiscord> {
  const shared = createState(options);
  const { applicationId, botUser, requests, callbacks, edits, followUps, commandPuts, identifies, resumes } =
    shared;
  const { failures, interactionsById, interactionsByToken, messages, modals, sessions, sockets } = shared;
  const places = createPlaces(shared);
  const { channelId } = places;
  const messageParts = createMessages(shared, places);
  const commandParts = createCommands(shared);
  const { register, chatInput, buttonPress, stringSelect, modalSubmit } = createInteractions(
    shared,
    places,
    messageParts,
    commandParts.commandId,
  );
  const callbackParts = createCallbacks(shared, messageParts);
  const channelParts = createChannels(shared, messageParts);
  const { setChannelAccess } = channelParts;
  const { send, dispatch, onGatewayConnection } = createGateway(shared, createGuildObject(shared, places));
  const {
    publicKey,
    endpointDeliveries,
    setInteractionsEndpoint,
    postInteraction,
    hasEndpoint,
    close: closeEndpoint,
  } = createEndpoint(shared, { register }, callbackParts);
  const { handle } = createRest(
    shared,
    callbackParts,
    createWebhooks(shared, messageParts),
    commandParts,
    channelParts,
  );

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      sendJson(res, 500, { message: String(error), code: 0 });
    });
  });
  const wss = new WebSocketServer({ server });
  wss.on('connection', onGatewayConnection);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  shared.port = (server.address() as AddressInfo).port;
  const port = shared.port;

  return {
    restUrl: `http://127.0.0.1:${port}/api`,
    gatewayUrl: `ws://127.0.0.1:${port}`,
    applicationId,
    botUser,
    requests,
    callbacks,
    edits,
    followUps,
    commandPuts,
    identifies,
    resumes,
    modals,
    channelMessages: shared.channelMessages,
    get connections() {
      return sockets.size;
    },
    channelId,
    chatInput,
    buttonPress,
    stringSelect,
    modalSubmit,
    modal(interactionId) {
      return modals.find((m) => m.interactionId === interactionId);
    },
    publicKey,
    endpointDeliveries,
    setInteractionsEndpoint,
    postInteraction,
    dispatchInteraction<T extends FakeInteraction>(interaction: T): T {
      // Discord sends an application's interactions to its endpoint URL or over the gateway, never both.
      if (hasEndpoint()) {
        void postInteraction(interaction);
        return interaction;
      }
      if (sessions.size === 0) throw new Error('fake Discord: no client has identified on the gateway');
      if (!interactionsById.has(interaction.id)) register(interaction);
      const state = interactionsById.get(interaction.id);
      if (state !== undefined && !state.dispatched) {
        state.dispatched = true;
        state.deadlineFrom = Date.now();
      }
      dispatch('INTERACTION_CREATE', interaction);
      return interaction;
    },
    dispatch,
    requestReconnect() {
      for (const socket of sockets) send(socket, { op: GatewayOpcodes.Reconnect, s: null, t: null, d: null });
    },
    failNext(route, failure, times = 1) {
      const queue = failures.get(route) ?? [];
      queue.push({ failure, remaining: times });
      failures.set(route, queue);
    },
    setChannelAccess,
    expireToken(token) {
      const state = interactionsByToken.get(token);
      if (state !== undefined) state.expired = true;
    },
    originalMessage(token) {
      const state = interactionsByToken.get(token);
      const id = state?.originalId;
      if (id === undefined || id === null) return undefined;
      const message = messages.get(id);
      return message === undefined ? undefined : structuredClone(message);
    },
    message(messageId) {
      const message = messages.get(messageId);
      return message === undefined ? undefined : structuredClone(message);
    },
    async waitFor<T>(predicate: () => T | undefined | null | false, timeoutMs = 10_000): Promise<T> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const value = predicate();
        if (value !== undefined && value !== null && value !== false) return value;
        if (Date.now() > deadline) {
          const recent = requests
            .slice(-5)
            .map((r) => `${r.method} ${r.path} → ${r.status}`)
            .join('; ');
          throw new Error(
            `fake Discord: condition not met within ${timeoutMs} ms (last requests: ${recent})`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    async close() {
      closeEndpoint();
      for (const socket of sockets) socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
