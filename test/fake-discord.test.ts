import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DiscordAPIError, REST } from '@discordjs/rest';
import {
  type APIActionRowComponent,
  type APIEmbed,
  type APIMessage,
  type APIModalInteractionResponseCallbackData,
  type APIStringSelectComponent,
  type APITextInputComponent,
  Client,
  ComponentType,
  Events,
  GatewayIntentBits,
  type Interaction,
  MessageFlags,
  Routes,
  SlashCommandBuilder,
  TextInputStyle,
} from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { interactionSignatureCheck } from '../bots/discord/signature.ts';
import { FAKE_USER_ID, type FakeDiscord, startFakeDiscord } from './fakes/discord-server.ts';

const BOT_TOKEN = 'MTAwMDAwMDAwMDAwMDAwMDAx.fake.bot-token-for-tests';
const APP_ID = '100000000000000001';
const GUILD_ID = '300000000000000001';

const EMBED: APIEmbed = {
  title: 'Rainy Sunday Mix',
  description: '**1.** Holocene — Bon Iver',
  color: 0x1db954,
};

let fake: FakeDiscord;
let client: Client;
/** The worker's view: no token, no gateway, only the interaction webhook. */
let rest: REST;

function received(id: string): Promise<Interaction> {
  return new Promise((resolve) => {
    const listener = (interaction: Interaction) => {
      if (interaction.id !== id) return;
      client.off(Events.InteractionCreate, listener);
      resolve(interaction);
    };
    client.on(Events.InteractionCreate, listener);
  });
}

async function apiError(promise: Promise<unknown>): Promise<DiscordAPIError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof DiscordAPIError))
    throw new Error(`expected a DiscordAPIError, got ${String(error)}`);
  return error;
}

beforeAll(async () => {
  fake = await startFakeDiscord({
    botToken: BOT_TOKEN,
    applicationId: APP_ID,
    guilds: [GUILD_ID],
    heartbeatIntervalMs: 200,
  });
  client = new Client({
    intents: [GatewayIntentBits.Guilds],
    rest: { api: fake.restUrl },
    waitGuildTimeout: 100,
  });
  const ready = once(client, Events.ClientReady);
  await client.login(BOT_TOKEN);
  await ready;
  rest = new REST({ api: fake.restUrl, version: '10' });
});

afterAll(async () => {
  await client?.destroy();
  await fake?.close();
});

describe('fake Discord against discord.js', () => {
  it('serves gateway/bot to the bot token and readies the client over the gateway', () => {
    const gatewayBot = fake.requests.find((r) => r.route === 'gatewayBot');
    expect(gatewayBot?.headers.authorization).toBe(`Bot ${BOT_TOKEN}`);
    expect(gatewayBot?.status).toBe(200);
    expect(fake.identifies).toHaveLength(1);
    expect(fake.identifies[0]?.intents).toBe(GatewayIntentBits.Guilds);
    expect(fake.connections).toBe(1);
    expect(client.user?.id).toBe(APP_ID);
    expect(client.guilds.cache.get(GUILD_ID)?.available).toBe(true);
  });

  it('refuses gateway/bot without the bot token', async () => {
    const wrong = new REST({ api: fake.restUrl, version: '10' }).setToken('not-the-token');
    const error = await apiError(wrong.get(Routes.gatewayBot()));
    expect(error.status).toBe(401);
    expect(error.code).toBe(0);
  });

  it('delivers /mood, records the deferral, and lets a tokenless REST edit the original', async () => {
    const sent = fake.chatInput({
      name: 'mood',
      options: [{ name: 'mood', type: 3, value: 'rainy sunday' }],
    });
    expect(sent.token.length).toBeGreaterThanOrEqual(60);
    const seen = received(sent.id);
    fake.dispatchInteraction(sent);
    const interaction = await seen;
    if (!interaction.isChatInputCommand()) throw new Error('expected a chat input command');
    expect(interaction.commandName).toBe('mood');
    expect(interaction.options.getString('mood', true)).toBe('rainy sunday');
    expect(interaction.guildId).toBe(GUILD_ID);
    expect(interaction.user.id).toBe(FAKE_USER_ID);
    expect(interaction.inCachedGuild()).toBe(true);

    await interaction.deferReply();
    expect(fake.callbacks).toContainEqual(
      expect.objectContaining({ interactionId: sent.id, token: sent.token, type: 5, data: { flags: 0 } }),
    );
    const callbackRequest = fake.requests.find((r) => r.route === 'callback' && r.path.includes(sent.id));
    expect(callbackRequest?.headers.authorization).toBeUndefined();
    expect(fake.originalMessage(sent.token)?.flags).toBe(MessageFlags.Loading);

    await rest.patch(Routes.webhookMessage(APP_ID, sent.token, '@original'), {
      body: { content: '', embeds: [EMBED], allowed_mentions: { parse: [] } },
      auth: false,
    });
    const original = fake.originalMessage(sent.token);
    expect(original?.embeds[0]).toMatchObject(EMBED);
    expect(original?.flags).toBe(0);
    expect(fake.edits.at(-1)).toMatchObject({
      applicationId: APP_ID,
      token: sent.token,
      messageId: '@original',
    });
    const editRequest = fake.requests.find((r) => r.route === 'edit' && r.status === 200);
    expect(editRequest?.path).toContain('/messages/%40original');
    expect(editRequest?.headers.authorization).toBeUndefined();

    const again = await apiError(
      rest.post(Routes.interactionCallback(sent.id, sent.token), { body: { type: 5 }, auth: false }),
    );
    expect(again.code).toBe(40060);
  });

  it('records ephemeral deferrals, answers with_response, and parses edits back into messages', async () => {
    const second = fake.chatInput({
      name: 'mood',
      options: [{ name: 'mood', type: 3, value: 'late night drive' }],
    });
    const secondSeen = received(second.id);
    fake.dispatchInteraction(second);
    const live = await secondSeen;
    if (!live.isChatInputCommand()) throw new Error('expected a chat input command');

    const response = await live.deferReply({ flags: MessageFlags.Ephemeral, withResponse: true });
    expect(fake.callbacks.at(-1)).toMatchObject({ type: 5, data: { flags: 64 }, withResponse: true });
    expect(response.interaction.responseMessageLoading).toBe(true);
    expect(response.interaction.responseMessageEphemeral).toBe(true);
    expect(fake.originalMessage(second.token)?.flags).toBe(MessageFlags.Ephemeral | MessageFlags.Loading);

    const message = await live.editReply({ content: 'Brewing your playlist…' });
    expect(message.content).toBe('Brewing your playlist…');
    expect(fake.originalMessage(second.token)?.flags).toBe(MessageFlags.Ephemeral);
    expect((await live.fetchReply()).id).toBe(message.id);

    const followUp = await live.followUp({ content: 'One more thing', flags: MessageFlags.Ephemeral });
    expect(followUp.content).toBe('One more thing');
    expect(fake.followUps.at(-1)?.message.flags).toBe(MessageFlags.Ephemeral);
  });

  it('the first follow-up after a public deferral takes its place publicly; after a delete it is its own', async () => {
    const deferred = async (value: string) => {
      const interaction = fake.chatInput({ name: 'mood', options: [{ name: 'mood', type: 3, value }] });
      await rest.post(Routes.interactionCallback(interaction.id, interaction.token), {
        body: { type: 5 },
        auth: false,
      });
      return interaction;
    };
    const ephemeralNote = { content: 'Only for you', flags: MessageFlags.Ephemeral };

    // Discord: the deferral fixed the visibility, and the first follow-up fills its "thinking…" message.
    const kept = await deferred('sunny');
    const placeholderId = fake.originalMessage(kept.token)?.id;
    const filled = (await rest.post(Routes.webhook(APP_ID, kept.token), {
      body: ephemeralNote,
      auth: false,
    })) as { id: string; flags: number };
    expect(filled.id).toBe(placeholderId);
    expect(filled.flags).toBe(0);

    const deleted = await deferred('rainy');
    await rest.delete(Routes.webhookMessage(APP_ID, deleted.token, '@original'), { auth: false });
    expect(fake.originalMessage(deleted.token)).toBeUndefined();
    const own = (await rest.post(Routes.webhook(APP_ID, deleted.token), {
      body: ephemeralNote,
      auth: false,
    })) as { id: string; flags: number };
    expect(own.flags).toBe(MessageFlags.Ephemeral);
    expect(fake.message(own.id)?.content).toBe('Only for you');
  });

  it('delivers button presses on a known message and routes deferUpdate edits to it', async () => {
    const command = fake.chatInput({ name: 'mood', options: [{ name: 'mood', type: 3, value: 'sunny' }] });
    const commandSeen = received(command.id);
    fake.dispatchInteraction(command);
    const slash = await commandSeen;
    if (!slash.isChatInputCommand()) throw new Error('expected a chat input command');
    await slash.reply({
      embeds: [EMBED],
      components: [
        { type: 1, components: [{ type: 2, style: 1, label: 'Another take', custom_id: 'sm:take:p1' }] },
      ],
    });
    const messageId = fake.originalMessage(command.token)?.id;
    expect(messageId).toBeDefined();

    const press = fake.buttonPress({ customId: 'sm:take:p1', messageId });
    const pressSeen = received(press.id);
    fake.dispatchInteraction(press);
    const button = await pressSeen;
    if (!button.isButton()) throw new Error('expected a button');
    expect(button.customId).toBe('sm:take:p1');
    expect(button.message.id).toBe(messageId);
    expect(button.message.embeds[0]?.title).toBe(EMBED.title);

    await button.deferUpdate();
    expect(fake.callbacks.at(-1)).toMatchObject({ interactionId: press.id, type: 6 });
    await button.editReply({ content: 'Taking another look…', embeds: [] });
    expect(fake.message(messageId ?? '')?.content).toBe('Taking another look…');
  });

  it('delivers a made-up button press and a DM command', async () => {
    const press = fake.buttonPress({ customId: 'sm:like:p2' });
    const pressSeen = received(press.id);
    fake.dispatchInteraction(press);
    const button = await pressSeen;
    expect(button.isButton() && button.customId).toBe('sm:like:p2');

    const dm = fake.chatInput({
      name: 'mood',
      guildId: null,
      options: [{ name: 'mood', type: 3, value: 'calm' }],
    });
    const dmSeen = received(dm.id);
    fake.dispatchInteraction(dm);
    const inDm = await dmSeen;
    expect(inDm.inGuild()).toBe(false);
    expect(inDm.user.id).toBe(FAKE_USER_ID);
  });

  it('answers Unknown Webhook for expired or never-acknowledged tokens and Unknown interaction for callbacks', async () => {
    const sent = fake.chatInput({ name: 'mood', options: [{ name: 'mood', type: 3, value: 'x' }] });
    const edit = () =>
      rest.patch(Routes.webhookMessage(APP_ID, sent.token, '@original'), {
        body: { content: 'hi' },
        auth: false,
      });
    expect((await apiError(edit())).code).toBe(10015);
    await rest.post(Routes.interactionCallback(sent.id, sent.token), { body: { type: 5 }, auth: false });
    await edit();
    fake.expireToken(sent.token);
    const expired = await apiError(edit());
    expect(expired.code).toBe(10015);
    expect(expired.status).toBe(404);

    const unknown = await apiError(
      rest.post(Routes.interactionCallback('1', 'not-a-token'), { body: { type: 5 }, auth: false }),
    );
    expect(unknown.code).toBe(10062);
  });

  it('enforces the 3-second callback window', async () => {
    const strict = await startFakeDiscord({
      botToken: BOT_TOKEN,
      applicationId: APP_ID,
      callbackDeadlineMs: 30,
    });
    try {
      const late = strict.chatInput({ name: 'mood', options: [{ name: 'mood', type: 3, value: 'late' }] });
      await new Promise((resolve) => setTimeout(resolve, 60));
      const error = await apiError(
        new REST({ api: strict.restUrl, version: '10' }).post(
          Routes.interactionCallback(late.id, late.token),
          {
            body: { type: 5 },
            auth: false,
          },
        ),
      );
      expect(error.code).toBe(10062);
    } finally {
      await strict.close();
    }
  });

  it('has @discordjs/rest retry a 429 after Retry-After and a 500 at once', async () => {
    const sent = fake.chatInput({ name: 'mood', options: [{ name: 'mood', type: 3, value: 'retry' }] });
    await rest.post(Routes.interactionCallback(sent.id, sent.token), { body: { type: 5 }, auth: false });
    fake.failNext('edit', { status: 429, retryAfter: 1 });
    const started = Date.now();
    await rest.patch(Routes.webhookMessage(APP_ID, sent.token, '@original'), {
      body: { embeds: [EMBED] },
      auth: false,
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    const attempts = fake.requests.filter((r) => r.route === 'edit' && r.path.includes(sent.token));
    expect(attempts.map((r) => r.status)).toEqual([429, 200]);
    expect(fake.originalMessage(sent.token)?.embeds[0]?.title).toBe(EMBED.title);

    fake.failNext('edit', { status: 500 });
    await rest.patch(Routes.webhookMessage(APP_ID, sent.token, '@original'), {
      body: { content: 'second' },
      auth: false,
    });
    expect(fake.originalMessage(sent.token)?.content).toBe('second');
  });

  it('rejects messages over Discord limits with Invalid Form Body', async () => {
    const sent = fake.chatInput({ name: 'mood', options: [{ name: 'mood', type: 3, value: 'long' }] });
    await rest.post(Routes.interactionCallback(sent.id, sent.token), { body: { type: 5 }, auth: false });
    const error = await apiError(
      rest.patch(Routes.webhookMessage(APP_ID, sent.token, '@original'), {
        body: { embeds: [{ title: 'x', description: 'y'.repeat(4097) }] },
        auth: false,
      }),
    );
    expect(error.code).toBe(50035);
    expect(error.message).toContain('embeds[0].description[BASE_TYPE_MAX_LENGTH]');
    const empty = await apiError(
      rest.patch(Routes.webhookMessage(APP_ID, sent.token, '@original'), {
        body: { content: '', embeds: [] },
        auth: false,
      }),
    );
    expect(empty.code).toBe(50006);
  });

  it('records guild command registration with the bot token and keeps ids across re-registration', async () => {
    const mood = new SlashCommandBuilder()
      .setName('mood')
      .setDescription('Get a playlist for a mood')
      .addStringOption((o) => o.setName('mood').setDescription('The mood').setRequired(true))
      .addIntegerOption((o) => o.setName('size').setDescription('How many songs'));
    const bot = new REST({ api: fake.restUrl, version: '10' }).setToken(BOT_TOKEN);
    const first = await bot.put(Routes.applicationGuildCommands(APP_ID, GUILD_ID), { body: [mood.toJSON()] });
    const second = await bot.put(Routes.applicationGuildCommands(APP_ID, GUILD_ID), {
      body: [mood.toJSON()],
    });
    expect(fake.commandPuts).toHaveLength(2);
    expect(fake.commandPuts[0]).toMatchObject({ applicationId: APP_ID, guildId: GUILD_ID });
    expect(fake.commandPuts[0]?.commands.map((c) => c.name)).toEqual(['mood']);
    expect(first).toEqual([expect.objectContaining({ name: 'mood', guild_id: GUILD_ID })]);
    expect(fake.commandPuts[1]?.commands[0]?.id).toBe(fake.commandPuts[0]?.commands[0]?.id);
    expect(second).toHaveLength(1);
    expect(fake.chatInput({ name: 'mood', guildId: GUILD_ID }).data.id).toBe(
      fake.commandPuts[0]?.commands[0]?.id,
    );

    const wrongOrder = { ...mood.toJSON(), options: [...(mood.toJSON().options ?? [])].reverse() };
    const invalid = await apiError(bot.put(Routes.applicationCommands(APP_ID), { body: [wrongOrder] }));
    expect(invalid.code).toBe(50035);
    const unauthorized = await apiError(
      new REST({ api: fake.restUrl, version: '10' })
        .setToken('wrong')
        .put(Routes.applicationCommands(APP_ID), { body: [] }),
    );
    expect(unauthorized.status).toBe(401);
  });

  it('records unexpected calls as 404s', async () => {
    const error = await apiError(rest.get(Routes.channel('123'), { auth: false }));
    expect(error.status).toBe(404);
    expect(fake.requests.at(-1)).toMatchObject({ route: 'unknown', method: 'GET', status: 404 });
  });

  it('lets the client resume after RECONNECT, replaying what it missed exactly once', async () => {
    const seen: string[] = [];
    const listener = (interaction: Interaction) => void seen.push(interaction.id);
    client.on(Events.InteractionCreate, listener);
    try {
      fake.requestReconnect();
      await fake.waitFor(() => fake.connections === 0);
      const missed = fake.dispatchInteraction(
        fake.chatInput({ name: 'mood', options: [{ name: 'mood', type: 3, value: 'while away' }] }),
      );
      await fake.waitFor(() => fake.resumes.find((r) => r.accepted));
      const after = fake.dispatchInteraction(
        fake.chatInput({ name: 'mood', options: [{ name: 'mood', type: 3, value: 'after resume' }] }),
      );
      await fake.waitFor(() => seen.includes(after.id));
      expect(seen).toEqual([missed.id, after.id]);
      expect(fake.identifies).toHaveLength(1);
      await fake.waitFor(() => client.ws.ping >= 0);
    } finally {
      client.off(Events.InteractionCreate, listener);
    }
  });

  it('makes login fail with TokenInvalid for a wrong token', async () => {
    const intruder = new Client({ intents: [], rest: { api: fake.restUrl } });
    try {
      await expect(intruder.login('wrong-token')).rejects.toThrow(/invalid token/i);
    } finally {
      await intruder.destroy();
    }
  });
});

/** A bare HTTP endpoint standing in for an application, to see what the fake sends and how it judges answers. */
async function endpoint(
  answer: (req: IncomingMessage, body: string, res: ServerResponse) => void,
): Promise<{ url: string; server: Server; seen: { headers: IncomingMessage['headers']; body: string }[] }> {
  const seen: { headers: IncomingMessage['headers']; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      seen.push({ headers: req.headers, body });
      answer(req, body, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/interactions`, server, seen };
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

describe('fake Discord at an Interactions Endpoint URL', () => {
  it('signs each POST with the application key, over timestamp + body, as Discord documents', async () => {
    const verify = interactionSignatureCheck(fake.publicKey);
    const app = await endpoint((req, body, res) => {
      const ok = verify(
        req.headers['x-signature-ed25519'] as string,
        req.headers['x-signature-timestamp'] as string,
        Buffer.from(body),
      );
      if (!ok) return json(res, 401, { error: 'invalid request signature' });
      json(res, 200, { type: 1 });
    });
    try {
      await fake.setInteractionsEndpoint(app.url);
      const [signed, forged] = app.seen;
      expect(JSON.parse(signed?.body ?? '{}')).toMatchObject({ type: 1, application_id: APP_ID });
      expect(signed?.headers['x-signature-timestamp']).toMatch(/^\d{10}$/);
      expect(forged?.headers['x-signature-ed25519']).not.toBe(signed?.headers['x-signature-ed25519']);
    } finally {
      await fake.setInteractionsEndpoint(null);
      app.server.close();
    }
  });

  it('refuses an endpoint URL that accepts a forged signature, as the Developer Portal does', async () => {
    const careless = await endpoint((_req, _body, res) => json(res, 200, { type: 1 }));
    try {
      await expect(fake.setInteractionsEndpoint(careless.url)).rejects.toThrow(
        /forged signature with 200, not 401/,
      );
      // Still on the gateway: the URL was not saved.
      const interaction = fake.dispatchInteraction(fake.chatInput({ name: 'mood', userId: FAKE_USER_ID }));
      expect(fake.endpointDeliveries.some((d) => d.interactionId === interaction.id)).toBe(false);
    } finally {
      careless.server.close();
    }
  });

  it('sends interactions to the endpoint instead of the gateway, never both, and fails a late answer', async () => {
    const verify = interactionSignatureCheck(fake.publicKey);
    const slow = await endpoint((req, body, res) => {
      const ok = verify(
        req.headers['x-signature-ed25519'] as string,
        req.headers['x-signature-timestamp'] as string,
        Buffer.from(body),
      );
      if (!ok) return json(res, 401, {});
      const { type } = JSON.parse(body) as { type: number };
      if (type === 1) return json(res, 200, { type: 1 });
      setTimeout(() => json(res, 200, { type: 5 }), 3_500);
    });
    const gateway: string[] = [];
    const listener = (interaction: Interaction) => gateway.push(interaction.id);
    client.on(Events.InteractionCreate, listener);
    try {
      await fake.setInteractionsEndpoint(slow.url);
      const interaction = fake.dispatchInteraction(fake.chatInput({ name: 'mood' }));
      const delivery = await fake.waitFor(() => {
        const d = fake.endpointDeliveries.find((e) => e.interactionId === interaction.id);
        return d && d.outcome !== 'pending' ? d : undefined;
      });
      // Discord waits 3 seconds for the response; after that the interaction has failed.
      expect(delivery).toMatchObject({ outcome: 'failed', reason: 'TimeoutError' });
      expect(fake.callbacks.filter((c) => c.interactionId === interaction.id)).toEqual([]);
      expect(gateway).not.toContain(interaction.id);
    } finally {
      client.off(Events.InteractionCreate, listener);
      await fake.setInteractionsEndpoint(null);
      slow.server.closeAllConnections();
      slow.server.close();
    }
  });
});

const GENRE_MENU: APIActionRowComponent<APIStringSelectComponent> = {
  type: ComponentType.ActionRow,
  components: [
    {
      type: ComponentType.StringSelect,
      custom_id: 'sm:genre',
      placeholder: 'Pick up to two genres',
      options: [
        { label: 'Jazz', value: 'jazz' },
        { label: 'Folk', value: 'folk' },
        { label: 'Lo-fi', value: 'lofi' },
      ],
      max_values: 2,
    },
  ],
};

const MOOD_INPUT: APITextInputComponent = {
  type: ComponentType.TextInput,
  custom_id: 'mood',
  label: 'Your mood',
  style: TextInputStyle.Short,
  max_length: 200,
};

const MOOD_MODAL: APIModalInteractionResponseCallbackData = {
  custom_id: 'sm:describe',
  title: 'Describe your mood',
  components: [
    { type: ComponentType.ActionRow, components: [MOOD_INPUT] },
    {
      type: ComponentType.ActionRow,
      components: [
        {
          type: ComponentType.TextInput,
          custom_id: 'notes',
          label: 'Anything else?',
          style: TextInputStyle.Paragraph,
          required: false,
        },
      ],
    },
  ],
};

describe('fake Discord: select menus, modals and channel messages', () => {
  it('delivers a string select pick on the message its menu is on, and edits that message after deferUpdate', async () => {
    const command = fake.chatInput({ name: 'mood', options: [{ name: 'mood', type: 3, value: 'menu' }] });
    const commandSeen = received(command.id);
    fake.dispatchInteraction(command);
    const slash = await commandSeen;
    if (!slash.isChatInputCommand()) throw new Error('expected a chat input command');
    await slash.reply({ content: 'Pick a genre', components: [GENRE_MENU] });
    const messageId = fake.originalMessage(command.token)?.id ?? '';

    // Discord only sends picks a user could make on that menu.
    expect(() => fake.stringSelect({ customId: 'sm:genre', values: ['metal'], messageId })).toThrow(
      /no option metal/,
    );
    expect(() => fake.stringSelect({ customId: 'sm:other', values: ['jazz'], messageId })).toThrow(
      /no string select sm:other/,
    );
    expect(() =>
      fake.stringSelect({ customId: 'sm:genre', values: ['jazz', 'folk', 'lofi'], messageId }),
    ).toThrow(/takes 1–2 values/);

    const pick = fake.stringSelect({ customId: 'sm:genre', values: ['jazz', 'folk'], messageId });
    expect(pick.message.id).toBe(messageId);
    const pickSeen = received(pick.id);
    fake.dispatchInteraction(pick);
    const menu = await pickSeen;
    if (!menu.isStringSelectMenu()) throw new Error('expected a string select');
    expect(menu.customId).toBe('sm:genre');
    expect(menu.values).toEqual(['jazz', 'folk']);
    expect(menu.message.id).toBe(messageId);

    await menu.deferUpdate();
    expect(fake.callbacks.at(-1)).toMatchObject({ interactionId: pick.id, type: 6 });
    await menu.editReply({ content: 'Jazz and folk it is', components: [] });
    expect(fake.edits.at(-1)?.message).toMatchObject({ id: messageId, content: 'Jazz and folk it is' });
    expect(fake.message(messageId)?.components).toEqual([]);

    const madeUp = fake.stringSelect({ customId: 'sm:quick', values: ['a'] });
    expect(madeUp.data).toMatchObject({ component_type: ComponentType.StringSelect, values: ['a'] });
    expect(madeUp.message.components?.[0]).toMatchObject({
      components: [{ custom_id: 'sm:quick', options: [{ value: 'a' }] }],
    });
  });

  it('refuses types 6 and 7 for a command, records a modal it shows, and delivers what the user typed', async () => {
    const command = fake.chatInput({ name: 'mood', options: [{ name: 'mood', type: 3, value: 'modal' }] });
    const update = await apiError(
      rest.post(Routes.interactionCallback(command.id, command.token), { body: { type: 6 }, auth: false }),
    );
    expect(update.message).toContain('type[INTERACTION_RESPONSE_TYPE_INVALID]');
    const seen = received(command.id);
    fake.dispatchInteraction(command);
    const slash = await seen;
    if (!slash.isChatInputCommand()) throw new Error('expected a chat input command');
    await slash.showModal(MOOD_MODAL);
    const shown = fake.modal(command.id);
    if (shown === undefined) throw new Error('expected the modal to be recorded');
    expect(shown).toMatchObject({
      customId: 'sm:describe',
      title: 'Describe your mood',
      token: command.token,
    });
    expect(shown.textInputs.map((input) => input.custom_id)).toEqual(['mood', 'notes']);

    expect(() => fake.modalSubmit({ modal: { ...shown, customId: 'sm:never' } })).toThrow(
      /never showed a modal sm:never/,
    );
    expect(() => fake.modalSubmit({ modal: shown, values: { mood: 'x', genre: 'jazz' } })).toThrow(
      /no text input genre/,
    );
    expect(() => fake.modalSubmit({ modal: shown, values: { notes: 'no mood' } })).toThrow(
      /mood is required/,
    );
    expect(() => fake.modalSubmit({ modal: shown, values: { mood: 'x'.repeat(201) } })).toThrow(
      /mood is longer than 200/,
    );

    const submit = fake.modalSubmit({ modal: shown, values: { mood: 'rainy sunday' } });
    expect(submit.message).toBeUndefined();
    const submitSeen = received(submit.id);
    fake.dispatchInteraction(submit);
    const modal = await submitSeen;
    if (!modal.isModalSubmit()) throw new Error('expected a modal submission');
    expect(modal.customId).toBe('sm:describe');
    expect(modal.fields.getTextInputValue('mood')).toBe('rainy sunday');
    expect(modal.fields.getTextInputValue('notes')).toBe('');
    expect(modal.user.id).toBe(FAKE_USER_ID);

    // Opened from a command: no message to update; and a modal never answers a modal.
    for (const body of [{ type: 6 }, { type: 9, data: MOOD_MODAL }]) {
      const refused = await apiError(
        rest.post(Routes.interactionCallback(submit.id, submit.token), { body, auth: false }),
      );
      expect(refused.message).toContain('type[INTERACTION_RESPONSE_TYPE_INVALID]');
    }
    await modal.reply({ content: 'Brewing…', flags: MessageFlags.Ephemeral });
    expect(fake.originalMessage(submit.token)?.interaction_metadata).toMatchObject({
      type: 5,
      triggering_interaction_metadata: { id: command.id, type: 2 },
    });
  });

  it('a modal opened from a button carries its message, and the submission updates that message', async () => {
    const press = fake.buttonPress({ customId: 'sm:refine:p1' });
    const pressSeen = received(press.id);
    fake.dispatchInteraction(press);
    const button = await pressSeen;
    if (!button.isButton()) throw new Error('expected a button');
    await button.showModal(MOOD_MODAL);
    const shown = fake.modal(press.id);
    if (shown === undefined) throw new Error('expected the modal to be recorded');

    const submit = fake.modalSubmit({ modal: shown, values: { mood: 'brighter', notes: 'more brass' } });
    expect(submit.message?.id).toBe(press.message.id);
    const seen = received(submit.id);
    fake.dispatchInteraction(submit);
    const modal = await seen;
    if (!modal.isModalSubmit() || !modal.isFromMessage())
      throw new Error('expected a submission from a message');
    expect(modal.fields.getTextInputValue('notes')).toBe('more brass');
    await modal.update({ content: 'Refined: brighter', components: [] });
    expect(fake.callbacks.at(-1)).toMatchObject({ interactionId: submit.id, type: 7 });
    expect(fake.message(press.message.id)).toMatchObject({ content: 'Refined: brighter', components: [] });
  });

  it('refuses modals and components outside Discord limits, with the path', async () => {
    const answer = (body: unknown) => {
      const command = fake.chatInput({ name: 'mood' });
      return apiError(
        rest.post(Routes.interactionCallback(command.id, command.token), { body, auth: false }),
      );
    };
    const row = (...components: unknown[]) => ({ type: ComponentType.ActionRow, components });
    const problem = async (body: unknown, path: string) => {
      const error = await answer(body);
      expect(error.code).toBe(50035);
      expect(error.message).toContain(path);
    };

    await problem(
      { type: 9, data: { ...MOOD_MODAL, title: 't'.repeat(46) } },
      'data.title[BASE_TYPE_BAD_LENGTH]',
    );
    await problem(
      {
        type: 9,
        data: { ...MOOD_MODAL, components: [row(MOOD_INPUT, { ...MOOD_INPUT, custom_id: 'more' })] },
      },
      'data.components[0].components[COMPONENT_LAYOUT_WIDTH_EXCEEDED]',
    );
    await problem(
      { type: 9, data: { ...MOOD_MODAL, components: [row({ ...MOOD_INPUT, style: 3 })] } },
      'data.components[0].components[0].style[BASE_TYPE_INVALID]',
    );
    await problem(
      { type: 9, data: { ...MOOD_MODAL, components: [row({ ...MOOD_INPUT, max_length: 4001 })] } },
      'data.components[0].components[0].max_length[NUMBER_TYPE_MAX]',
    );

    const options = Array.from({ length: 26 }, (_, i) => ({ label: `Option ${i}`, value: `v${i}` }));
    const select = (fields: Record<string, unknown>) => ({
      type: 4,
      data: {
        components: [row({ type: ComponentType.StringSelect, custom_id: 'sm:s', options, ...fields })],
      },
    });
    await problem(select({}), 'data.components[0].components[0].options[BASE_TYPE_BAD_LENGTH]');
    await problem(
      select({ options: options.slice(0, 2), max_values: 3 }),
      'data.components[0].components[0].max_values[NUMBER_TYPE_MAX]',
    );
    await problem(
      select({ options: [options[0], options[0]] }),
      'data.components[0].components[0].options[1].value[SELECT_COMPONENT_OPTION_VALUE_DUPLICATED]',
    );
    const link = { type: ComponentType.Button, style: 5, label: 'Open', url: 'https://open.spotify.com' };
    await problem(
      { type: 4, data: { components: [row({ ...link, custom_id: 'sm:open' })] } },
      'data.components[0].components[0].custom_id[COMPONENT_VALIDATION_FAILED]',
    );
    await problem(
      { type: 4, data: { components: [row({ type: ComponentType.Button, style: 5, label: 'Open' })] } },
      'data.components[0].components[0].url[BASE_TYPE_REQUIRED]',
    );
    await problem(
      { type: 4, data: { components: [row(link), row(link), row(link), row(link), row(link), row(link)] } },
      'data.components[BASE_TYPE_MAX_LENGTH]',
    );
  });

  it('posts channel messages with the bot token, and answers 401, 403, 404 and 429 as Discord does', async () => {
    const bot = new REST({ api: fake.restUrl, version: '10' }).setToken(BOT_TOKEN);
    const channel = fake.channelId(GUILD_ID);
    const post = (channelId: string, content: string) =>
      bot.post(Routes.channelMessages(channelId), { body: { content } });

    const posted = (await bot.post(Routes.channelMessages(channel), {
      body: { content: 'Today’s mix', components: [GENRE_MENU] },
    })) as APIMessage;
    expect(posted).toMatchObject({ channel_id: channel, content: 'Today’s mix', author: { id: APP_ID } });
    expect(posted.webhook_id).toBeUndefined();
    expect(fake.channelMessages.at(-1)).toMatchObject({ channelId: channel, token: BOT_TOKEN });
    expect(fake.message(posted.id)?.components).toHaveLength(1);

    const anonymous = await apiError(
      rest.post(Routes.channelMessages(channel), { body: { content: 'x' }, auth: false }),
    );
    expect(anonymous.status).toBe(401);
    // A guild id is not a channel id.
    const notAChannel = await apiError(post(GUILD_ID, 'x'));
    expect([notAChannel.status, notAChannel.code]).toEqual([404, 10003]);
    const tooLong = await apiError(post(channel, 'x'.repeat(2001)));
    expect(tooLong.message).toContain('content[BASE_TYPE_MAX_LENGTH]');

    fake.setChannelAccess(channel, 'missing-access');
    const hidden = await apiError(post(channel, 'x'));
    expect([hidden.status, hidden.code, hidden.message]).toEqual([403, 50001, 'Missing Access']);
    fake.setChannelAccess(channel, 'unknown');
    const gone = await apiError(post(channel, 'x'));
    expect([gone.status, gone.code, gone.message]).toEqual([404, 10003, 'Unknown Channel']);
    fake.setChannelAccess(channel, 'ok');

    fake.failNext('channelMessage', { status: 429, retryAfter: 1 });
    const started = Date.now();
    await post(channel, 'after the wait');
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    const attempts = fake.requests.filter(
      (r) => r.route === 'channelMessage' && JSON.stringify(r.body).includes('after the wait'),
    );
    expect(attempts.map((r) => r.status)).toEqual([429, 200]);
    expect(fake.channelMessages.at(-1)?.body).toEqual({ content: 'after the wait' });
  });
});
