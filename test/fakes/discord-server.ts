/**
 * A local Discord that the real discord.js client and @discordjs/rest talk to: the gateway (HELLO, IDENTIFY,
 * READY, GUILD_CREATE, heartbeats, RESUME) and the REST endpoints an interactions bot uses (callbacks,
 * interaction webhooks, command registration), with Discord's error codes, limits and scripted failures.
 * As on Discord, the first follow-up after a deferred response edits its "thinking…" message and keeps the
 * deferral's visibility; once that message is deleted, a follow-up is a new message with its own flags.
 *
 * Interactions reach the application one way only, as on Discord: over the gateway, or — once an
 * Interactions Endpoint URL is set (and passed the Developer Portal's check: a signed PING answered with PONG,
 * a forged one refused with 401) — as signed POSTs to that URL, whose HTTP response is the initial response.
 */
import { randomBytes } from 'node:crypto';
import {
  Agent,
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type APIApplicationCommand,
  type APIApplicationCommandInteractionDataBasicOption,
  type APIApplicationCommandInteractionDataOption,
  type APIApplicationCommandInteractionDataSubcommandOption,
  type APIAttachment,
  type APIChatInputApplicationCommandInteraction,
  type APIEmbed,
  type APIGuildMember,
  type APIInteractionGuildMember,
  type APIMessage,
  type APIMessageComponentButtonInteraction,
  type APIPartialInteractionGuild,
  type APIUser,
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  ChannelType,
  ComponentType,
  EmbedType,
  type GatewayGuildCreateDispatchData,
  GatewayIntentBits,
  GatewayOpcodes,
  type GatewayReadyDispatchData,
  InteractionContextType,
  InteractionResponseType,
  InteractionType,
  Locale,
  MessageFlags,
  MessageType,
  RESTJSONErrorCodes,
} from 'discord.js';
import { type WebSocket, WebSocketServer } from 'ws';
import { z } from 'zod';
import { createInteractionSigner } from './discord-signing.ts';

export type FakeInteraction =
  | APIChatInputApplicationCommandInteraction
  | APIMessageComponentButtonInteraction;

export interface FakeDiscordOptions {
  readonly botToken: string;
  readonly applicationId: string;
  /** Defaults to the application id, as for every bot created since 2020. */
  readonly botUserId?: string;
  readonly botUsername?: string;
  readonly guilds?: readonly string[];
  /** Milliseconds every REST request waits before it is handled. */
  readonly latencyMs?: number;
  readonly heartbeatIntervalMs?: number;
  /** Discord's 3-second window for the first callback; `Infinity` disables it. */
  readonly callbackDeadlineMs?: number;
}

export type FakeDiscordRoute =
  | 'gateway'
  | 'gatewayBot'
  | 'callback'
  | 'edit'
  | 'followUp'
  | 'getMessage'
  | 'deleteMessage'
  | 'commands'
  | 'unknown';

export type FailableRoute = 'callback' | 'edit' | 'followUp' | 'commands';

export type FakeDiscordFailure =
  | { readonly status: 429; readonly retryAfter: number; readonly global?: boolean }
  | { readonly status: 500 | 502 | 503 | 504 };

export interface RecordedFile {
  readonly field: string;
  readonly filename: string;
  readonly size: number;
  readonly contentType: string;
}

export interface RecordedRequest {
  readonly method: string;
  /** The path as sent, e.g. `/api/v10/webhooks/1/tok/messages/%40original`. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: IncomingHttpHeaders;
  /** Parsed JSON, or the `payload_json` part of a multipart body; undefined when there was no body. */
  readonly body: unknown;
  readonly files: readonly RecordedFile[];
  readonly route: FakeDiscordRoute;
  readonly at: number;
  status: number;
}

export interface RecordedCallback {
  readonly interactionId: string;
  readonly token: string;
  readonly type: number;
  readonly data: Readonly<Record<string, unknown>> | undefined;
  readonly withResponse: boolean;
  /** `rest`: POSTed to the callback route; `endpoint`: the HTTP response to Discord's POST. */
  readonly via: 'rest' | 'endpoint';
  readonly at: number;
}

/** One POST of an interaction to the Interactions Endpoint URL, and what came of it. */
export interface EndpointDelivery {
  readonly interactionId: string;
  readonly url: string;
  readonly sentAt: number;
  /** When the response (or the failure) arrived. */
  at: number;
  /** The HTTP status; 0 when no response came (refused connection, Discord's 3 s passed). */
  status: number;
  /** `acknowledged`: the response was a valid initial response in time; anything else fails the interaction. */
  outcome: 'pending' | 'acknowledged' | 'failed';
  reason?: string;
}

/** How Discord signs a POST: properly, or the deliberately bad ones it sends to test an endpoint. */
export type SignatureKind = 'valid' | 'forged' | 'missing';

export interface RecordedEdit {
  readonly applicationId: string;
  readonly token: string;
  /** `@original` or a message id. */
  readonly messageId: string;
  readonly body: Readonly<Record<string, unknown>>;
  readonly files: readonly RecordedFile[];
  readonly message: APIMessage;
  readonly at: number;
}

export interface RecordedFollowUp {
  readonly applicationId: string;
  readonly token: string;
  readonly body: Readonly<Record<string, unknown>>;
  readonly files: readonly RecordedFile[];
  readonly message: APIMessage;
  readonly at: number;
}

export interface RecordedCommandPut {
  readonly applicationId: string;
  readonly guildId: string | null;
  readonly commands: readonly APIApplicationCommand[];
  readonly body: unknown;
  readonly at: number;
}

export interface RecordedIdentify {
  readonly intents: number;
  readonly shard: readonly [number, number] | null;
  readonly properties: Readonly<Record<string, unknown>>;
  readonly at: number;
}

export interface RecordedResume {
  readonly sessionId: string;
  readonly seq: number | null;
  readonly accepted: boolean;
  readonly at: number;
}

export interface ChatInputOptions {
  readonly name: string;
  readonly options?: readonly APIApplicationCommandInteractionDataBasicOption[];
  /** Wraps `options` in this subcommand (and `subcommandGroup`, when given). */
  readonly subcommand?: string;
  readonly subcommandGroup?: string;
  readonly userId?: string;
  /** Defaults to the first guild; `null` sends the command from a DM with the bot. */
  readonly guildId?: string | null;
  readonly channelId?: string;
  readonly memberPermissions?: string;
  readonly appPermissions?: string;
  readonly locale?: Locale;
}

export interface ButtonPressOptions {
  readonly customId: string;
  /** A message the fake knows (an interaction response) is used as is; otherwise one is made up. */
  readonly messageId?: string;
  readonly userId?: string;
  readonly guildId?: string | null;
  readonly channelId?: string;
  readonly memberPermissions?: string;
  readonly appPermissions?: string;
  readonly locale?: Locale;
}

export interface FakeDiscord {
  /** Pass as `rest: { api }` / `new REST({ api })`; the libraries add `/v10`. */
  readonly restUrl: string;
  readonly gatewayUrl: string;
  readonly applicationId: string;
  readonly botUser: APIUser;
  readonly requests: RecordedRequest[];
  readonly callbacks: RecordedCallback[];
  readonly edits: RecordedEdit[];
  readonly followUps: RecordedFollowUp[];
  readonly commandPuts: RecordedCommandPut[];
  readonly identifies: RecordedIdentify[];
  readonly resumes: RecordedResume[];
  /** The application's Ed25519 public key (hex): DISCORD_PUBLIC_KEY. */
  readonly publicKey: string;
  /** Every POST to the Interactions Endpoint URL, in order. */
  readonly endpointDeliveries: EndpointDelivery[];
  /**
   * Sets the Interactions Endpoint URL as the Developer Portal does: Discord first POSTs a signed PING, which must
   * be answered `{"type":1}`, and a forged one, which must be refused with 401; otherwise the URL is rejected
   * (this throws) and interactions keep coming over the gateway. Several URLs stand for replicas behind one
   * load balancer, which takes turns. `null` goes back to the gateway.
   */
  setInteractionsEndpoint(urls: string | readonly string[] | null): Promise<void>;
  /** POSTs one interaction to the endpoint, signed (or not), and settles with what came of it. */
  postInteraction(interaction: FakeInteraction, signature?: SignatureKind): Promise<EndpointDelivery>;
  /** Open gateway sockets. */
  readonly connections: number;
  /** The text channel each guild has (interactions in that guild come from it by default). */
  channelId(guildId: string): string;
  chatInput(options: ChatInputOptions): APIChatInputApplicationCommandInteraction;
  buttonPress(options: ButtonPressOptions): APIMessageComponentButtonInteraction;
  /**
   * Delivers the interaction the way the application receives them: POSTed to the Interactions Endpoint URL
   * when one is set (in the background; see `endpointDeliveries`), else INTERACTION_CREATE to every gateway
   * session (throws when no client has identified).
   */
  dispatchInteraction<T extends FakeInteraction>(interaction: T): T;
  /** Sends any other dispatch event to every session. */
  dispatch(event: string, data: unknown): void;
  /** Sends op 7 RECONNECT: clients close and RESUME. */
  requestReconnect(): void;
  /** The next `times` requests on the route fail this way. */
  failNext(route: FailableRoute, failure: FakeDiscordFailure, times?: number): void;
  /** The interaction token stops working, as 15 minutes after the interaction. */
  expireToken(token: string): void;
  /** The original response as it stands after every callback and edit. */
  originalMessage(token: string): APIMessage | undefined;
  message(messageId: string): APIMessage | undefined;
  waitFor<T>(predicate: () => T | undefined | null | false, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

export const FAKE_USER_ID = '200000000000000001';

const DISCORD_EPOCH = 1_420_070_400_000n;
let snowflakeIncrement = 0n;

function snowflake(): string {
  snowflakeIncrement = (snowflakeIncrement + 1n) & 0xfffn;
  return (((BigInt(Date.now()) - DISCORD_EPOCH) << 22n) | (1n << 17n) | snowflakeIncrement).toString();
}

function permissionBits(...bits: readonly bigint[]): string {
  return bits.reduce((all, bit) => all | (1n << bit), 0n).toString();
}

/** View channel, send messages, embed links, attach files, read history, external emojis, use commands. */
const MEMBER_PERMISSIONS = permissionBits(6n, 10n, 11n, 14n, 15n, 16n, 18n, 31n);
const APP_PERMISSIONS = permissionBits(6n, 10n, 11n, 13n, 14n, 15n, 16n, 18n, 31n, 38n);

/** Bitfields are sent as plain numbers; Discord's flag enums have no member for "none". */
const NO_FLAGS = 0 as never;

const JsonObject = z.record(z.string(), z.unknown());

/** Discord counts lengths in code points. */
const length = (text: string): number => [...text].length;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.destroyed || res.writableEnded) return;
  if (status === 204) {
    res.writeHead(204, headers);
    res.end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

interface Problem {
  readonly path: readonly (string | number)[];
  readonly code: string;
  readonly message: string;
}

class DiscordError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly errors?: Record<string, unknown>,
  ) {
    super(message);
  }

  static unauthorized(): DiscordError {
    return new DiscordError(401, 0, '401: Unauthorized');
  }

  static notFound(): DiscordError {
    return new DiscordError(404, 0, '404: Not Found');
  }

  static unknownInteraction(): DiscordError {
    return new DiscordError(404, RESTJSONErrorCodes.UnknownInteraction, 'Unknown interaction');
  }

  static unknownWebhook(): DiscordError {
    return new DiscordError(404, RESTJSONErrorCodes.UnknownWebhook, 'Unknown Webhook');
  }

  static unknownMessage(): DiscordError {
    return new DiscordError(404, RESTJSONErrorCodes.UnknownMessage, 'Unknown Message');
  }

  /** Invalid Form Body: problems nest by path, each leaf holding `_errors`. */
  static invalidForm(problems: readonly Problem[]): DiscordError {
    const errors: Record<string, unknown> = {};
    for (const problem of problems) {
      let node = errors;
      for (const key of problem.path) {
        const existing = node[String(key)];
        const next = isRecord(existing) ? existing : {};
        node[String(key)] = next;
        node = next;
      }
      const list = Array.isArray(node._errors) ? node._errors : [];
      list.push({ code: problem.code, message: problem.message });
      node._errors = list;
    }
    return new DiscordError(
      400,
      RESTJSONErrorCodes.InvalidFormBodyOrContentType,
      'Invalid Form Body',
      errors,
    );
  }

  body(): Record<string, unknown> {
    return this.errors === undefined
      ? { message: this.message, code: this.code }
      : { message: this.message, code: this.code, errors: this.errors };
  }
}

function zodProblems(error: z.ZodError, prefix: readonly (string | number)[] = []): Problem[] {
  return error.issues.map((issue) => {
    const path = [...prefix, ...issue.path.map((key) => (typeof key === 'number' ? key : String(key)))];
    if (issue.code === 'invalid_type' && issue.message.includes('undefined')) {
      return { path, code: 'BASE_TYPE_REQUIRED', message: 'This field is required' };
    }
    return { path, code: 'BASE_TYPE_INVALID', message: issue.message };
  });
}

const ComponentEmoji = z.object({
  id: z.string().optional(),
  name: z.string().optional(),
  animated: z.boolean().optional(),
});

const ButtonBase = {
  type: z.literal(ComponentType.Button),
  label: z.string().optional(),
  emoji: ComponentEmoji.optional(),
  disabled: z.boolean().optional(),
  id: z.number().int().optional(),
};

const CustomIdButton = z.object({ ...ButtonBase, style: z.literal([1, 2, 3, 4]), custom_id: z.string() });
const LinkButton = z.object({ ...ButtonBase, style: z.literal(5), url: z.string() });

const StringSelect = z.object({
  type: z.literal(ComponentType.StringSelect),
  custom_id: z.string(),
  options: z.array(
    z.object({
      label: z.string(),
      value: z.string(),
      description: z.string().optional(),
      emoji: ComponentEmoji.optional(),
      default: z.boolean().optional(),
    }),
  ),
  placeholder: z.string().optional(),
  min_values: z.number().int().optional(),
  max_values: z.number().int().optional(),
  disabled: z.boolean().optional(),
  id: z.number().int().optional(),
});

const ActionRow = z.object({
  type: z.literal(ComponentType.ActionRow),
  components: z.array(z.union([CustomIdButton, LinkButton, StringSelect])),
  id: z.number().int().optional(),
});

const EmbedMedia = z.object({ url: z.string() });

const Embed = z.object({
  title: z.string().optional(),
  description: z.string().optional(),
  url: z.string().optional(),
  timestamp: z.string().optional(),
  color: z.number().int().optional(),
  footer: z.object({ text: z.string(), icon_url: z.string().optional() }).optional(),
  image: EmbedMedia.optional(),
  thumbnail: EmbedMedia.optional(),
  author: z
    .object({ name: z.string(), url: z.string().optional(), icon_url: z.string().optional() })
    .optional(),
  fields: z
    .array(z.object({ name: z.string(), value: z.string(), inline: z.boolean().optional() }))
    .optional(),
});

const MessageBody = z.object({
  content: z.string().nullable().optional(),
  embeds: z.array(Embed).nullable().optional(),
  components: z.array(ActionRow).nullable().optional(),
  attachments: z
    .array(z.object({ id: z.union([z.string(), z.number()]), filename: z.string().optional() }))
    .nullable()
    .optional(),
  flags: z.number().int().nullable().optional(),
  allowed_mentions: JsonObject.nullable().optional(),
  tts: z.boolean().optional(),
});
type MessageBody = z.infer<typeof MessageBody>;

const CallbackBody = z.object({ type: z.number().int(), data: JsonObject.optional() });

const CommandOption: z.ZodType<CommandOptionShape> = z.lazy(() =>
  z.object({
    type: z.number().int(),
    name: z.string(),
    description: z.string(),
    required: z.boolean().optional(),
    options: z.array(CommandOption).optional(),
    choices: z.array(JsonObject).optional(),
  }),
);
interface CommandOptionShape {
  type: number;
  name: string;
  description: string;
  required?: boolean | undefined;
  options?: CommandOptionShape[] | undefined;
  choices?: Record<string, unknown>[] | undefined;
}

const CommandBody = z.looseObject({
  name: z.string(),
  type: z.number().int().optional(),
  description: z.string().optional(),
  options: z.array(CommandOption).optional(),
});

const GatewayPayload = z.object({ op: z.number().int(), d: z.unknown() });
const IdentifyData = z.object({
  token: z.string(),
  intents: z.number().int(),
  properties: JsonObject,
  shard: z.tuple([z.number().int(), z.number().int()]).optional(),
});
const ResumeData = z.object({ token: z.string(), session_id: z.string(), seq: z.number().int().nullable() });

/** Embed, content and component limits Discord enforces on every message it accepts. */
function messageProblems(body: MessageBody): Problem[] {
  const problems: Problem[] = [];
  const tooLong = (path: (string | number)[], text: string | undefined, max: number) => {
    if (text !== undefined && length(text) > max) {
      problems.push({ path, code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${max} or fewer in length.` });
    }
  };
  const badUrl = (path: (string | number)[], url: string | undefined, schemes: readonly string[]) => {
    if (url === undefined) return;
    let scheme: string;
    try {
      scheme = new URL(url).protocol.replace(/:$/, '');
    } catch {
      problems.push({ path, code: 'URL_TYPE_INVALID_URL', message: 'Not a well formed URL.' });
      return;
    }
    if (!schemes.includes(scheme)) {
      problems.push({
        path,
        code: 'URL_TYPE_INVALID_SCHEME',
        message: `Scheme "${scheme}" is not supported. Scheme must be one of (${schemes.join(', ')}).`,
      });
    }
  };
  tooLong(['content'], body.content ?? undefined, 2000);
  const embeds = body.embeds ?? [];
  if (embeds.length > 10) tooLong(['embeds'], 'x'.repeat(embeds.length), 10);
  let total = 0;
  embeds.forEach((embed, i) => {
    tooLong(['embeds', i, 'title'], embed.title, 256);
    tooLong(['embeds', i, 'description'], embed.description, 4096);
    tooLong(['embeds', i, 'footer', 'text'], embed.footer?.text, 2048);
    tooLong(['embeds', i, 'author', 'name'], embed.author?.name, 256);
    badUrl(['embeds', i, 'url'], embed.url, ['http', 'https']);
    badUrl(['embeds', i, 'author', 'url'], embed.author?.url, ['http', 'https']);
    badUrl(['embeds', i, 'image', 'url'], embed.image?.url, ['http', 'https', 'attachment']);
    badUrl(['embeds', i, 'thumbnail', 'url'], embed.thumbnail?.url, ['http', 'https', 'attachment']);
    const fields = embed.fields ?? [];
    if (fields.length > 25) tooLong(['embeds', i, 'fields'], 'x'.repeat(fields.length), 25);
    fields.forEach((field, j) => {
      for (const key of ['name', 'value'] as const) {
        if (field[key].trim() === '') {
          problems.push({
            path: ['embeds', i, 'fields', j, key],
            code: 'BASE_TYPE_REQUIRED',
            message: 'This field is required',
          });
        }
      }
      tooLong(['embeds', i, 'fields', j, 'name'], field.name, 256);
      tooLong(['embeds', i, 'fields', j, 'value'], field.value, 1024);
      total += length(field.name) + length(field.value);
    });
    total += [embed.title, embed.description, embed.footer?.text, embed.author?.name].reduce(
      (sum, text) => sum + (text === undefined ? 0 : length(text)),
      0,
    );
  });
  if (total > 6000) {
    problems.push({
      path: ['embeds'],
      code: 'MAX_EMBED_SIZE_EXCEEDED',
      message: 'Embed size exceeds maximum size of 6000',
    });
  }
  const rows = body.components ?? [];
  if (rows.length > 5) tooLong(['components'], 'x'.repeat(rows.length), 5);
  const customIds = new Set<string>();
  rows.forEach((row, i) => {
    if (row.components.length < 1 || row.components.length > 5) {
      problems.push({
        path: ['components', i, 'components'],
        code: 'BASE_TYPE_BAD_LENGTH',
        message: 'Must be between 1 and 5 in length.',
      });
    }
    const hasSelect = row.components.some((c) => c.type === ComponentType.StringSelect);
    if (hasSelect && row.components.length > 1) {
      problems.push({
        path: ['components', i, 'components'],
        code: 'COMPONENT_LAYOUT_WIDTH_EXCEEDED',
        message: 'The specified component exceeds the maximum width',
      });
    }
    row.components.forEach((component, j) => {
      const path = ['components', i, 'components', j];
      if ('label' in component) tooLong([...path, 'label'], component.label, 80);
      if ('url' in component) badUrl([...path, 'url'], component.url, ['http', 'https', 'discord']);
      if ('custom_id' in component) {
        tooLong([...path, 'custom_id'], component.custom_id, 100);
        if (customIds.has(component.custom_id)) {
          problems.push({
            path: [...path, 'custom_id'],
            code: 'COMPONENT_CUSTOM_ID_DUPLICATED',
            message: 'Component custom id cannot be duplicated',
          });
        }
        customIds.add(component.custom_id);
      }
    });
  });
  return problems;
}

function parseMessageBody(raw: unknown, prefix: readonly (string | number)[] = []): MessageBody {
  const parsed = MessageBody.safeParse(raw ?? {});
  if (!parsed.success) throw DiscordError.invalidForm(zodProblems(parsed.error, prefix));
  const problems = messageProblems(parsed.data).map((p) => ({ ...p, path: [...prefix, ...p.path] }));
  if (problems.length > 0) throw DiscordError.invalidForm(problems);
  return parsed.data;
}

function isEmptyMessage(message: APIMessage): boolean {
  return (
    message.content === '' &&
    message.embeds.length === 0 &&
    (message.components ?? []).length === 0 &&
    message.attachments.length === 0
  );
}

const COMMAND_NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

/** Name, description and option rules Discord applies when commands are registered. */
function commandProblems(
  path: (string | number)[],
  command: { name: string; type?: number | undefined; description?: string | undefined },
  options: readonly CommandOptionShape[] | undefined,
  chatInput: boolean,
): Problem[] {
  const problems: Problem[] = [];
  if (!COMMAND_NAME.test(command.name) || (chatInput && command.name !== command.name.toLowerCase())) {
    problems.push({
      path: [...path, 'name'],
      code: 'APPLICATION_COMMAND_INVALID_NAME',
      message: 'Command name is invalid',
    });
  }
  if (chatInput) {
    const description = command.description ?? '';
    if (length(description) < 1 || length(description) > 100) {
      problems.push({
        path: [...path, 'description'],
        code: 'BASE_TYPE_BAD_LENGTH',
        message: 'Must be between 1 and 100 in length.',
      });
    }
  }
  const list = options ?? [];
  if (list.length > 25) {
    problems.push({
      path: [...path, 'options'],
      code: 'BASE_TYPE_MAX_LENGTH',
      message: 'Must be 25 or fewer in length.',
    });
  }
  let optionalSeen = false;
  const names = new Set<string>();
  list.forEach((option, i) => {
    const optionPath = [...path, 'options', i];
    if (names.has(option.name)) {
      problems.push({
        path: [...optionPath, 'name'],
        code: 'APPLICATION_COMMAND_OPTION_NAME_ALREADY_EXISTS',
        message: 'Option name already exists',
      });
    }
    names.add(option.name);
    const nested =
      option.type === ApplicationCommandOptionType.Subcommand ||
      option.type === ApplicationCommandOptionType.SubcommandGroup;
    if (option.required === true && optionalSeen) {
      problems.push({
        path: [...optionPath, 'required'],
        code: 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID',
        message: 'Required options must be placed before non-required options',
      });
    }
    if (option.required !== true && !nested) optionalSeen = true;
    if ((option.choices ?? []).length > 25) {
      problems.push({
        path: [...optionPath, 'choices'],
        code: 'BASE_TYPE_MAX_LENGTH',
        message: 'Must be 25 or fewer in length.',
      });
    }
    problems.push(...commandProblems(optionPath, option, option.options, true));
  });
  return problems;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function parseRequestBody(
  req: IncomingMessage,
  raw: Buffer,
): Promise<{ body: unknown; files: RecordedFile[] }> {
  if (raw.length === 0) return { body: undefined, files: [] };
  const contentType = req.headers['content-type'] ?? '';
  if (contentType.startsWith('multipart/form-data')) {
    const form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
    const files: RecordedFile[] = [];
    let body: unknown;
    for (const [field, value] of form.entries()) {
      if (typeof value === 'string') {
        if (field === 'payload_json') body = parseJson(value);
      } else {
        files.push({ field, filename: value.name, size: value.size, contentType: value.type });
      }
    }
    return { body, files };
  }
  return { body: parseJson(raw.toString('utf8')), files: [] };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new DiscordError(400, 50109, 'The request body contains invalid JSON.');
  }
}

interface InteractionState {
  readonly interaction: FakeInteraction;
  /** When the interaction was first dispatched (or built, if it never was). */
  deadlineFrom: number;
  dispatched: boolean;
  acknowledged: boolean;
  expired: boolean;
  originalId: string | null;
  readonly messageIds: Set<string>;
}

interface GatewaySession {
  readonly id: string;
  seq: number;
  readonly events: { op: 0; t: string; s: number; d: unknown }[];
  socket: WebSocket | null;
}

export async function startFakeDiscord(options: FakeDiscordOptions): Promise<FakeDiscord> {
  const applicationId = options.applicationId;
  const guildIds = [...(options.guilds ?? [])];
  const latencyMs = options.latencyMs ?? 0;
  const heartbeatIntervalMs = options.heartbeatIntervalMs ?? 41_250;
  const callbackDeadlineMs = options.callbackDeadlineMs ?? 3000;
  const botUser: APIUser = {
    id: options.botUserId ?? applicationId,
    username: options.botUsername ?? 'Sonic Mood',
    discriminator: '0',
    global_name: null,
    avatar: null,
    bot: true,
  };

  const requests: RecordedRequest[] = [];
  const callbacks: RecordedCallback[] = [];
  const edits: RecordedEdit[] = [];
  const followUps: RecordedFollowUp[] = [];
  const commandPuts: RecordedCommandPut[] = [];
  const identifies: RecordedIdentify[] = [];
  const resumes: RecordedResume[] = [];
  const failures = new Map<FailableRoute, { failure: FakeDiscordFailure; remaining: number }[]>();
  const interactionsById = new Map<string, InteractionState>();
  const interactionsByToken = new Map<string, InteractionState>();
  const messages = new Map<string, APIMessage>();
  const guildChannels = new Map(guildIds.map((id) => [id, snowflake()]));
  const dmChannels = new Map<string, string>();
  /** Registered commands per scope ('' for global), keyed by name so ids survive re-registration. */
  const commands = new Map<string, Map<string, APIApplicationCommand>>();
  const commandIds = new Map<string, string>();
  const sessions = new Map<string, GatewaySession>();
  const sockets = new Set<WebSocket>();
  let port = 0;
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

  const userObject = (id: string): APIUser => ({
    id,
    username: id === FAKE_USER_ID ? 'mood_tester' : `user_${id.slice(-6)}`,
    discriminator: '0',
    global_name: id === FAKE_USER_ID ? 'Mood Tester' : null,
    avatar: null,
  });

  const channelId = (guildId: string): string => {
    const id = guildChannels.get(guildId);
    if (id === undefined) throw new Error(`fake Discord: unknown guild ${guildId}`);
    return id;
  };

  const dmChannelId = (userId: string): string => {
    let id = dmChannels.get(userId);
    if (id === undefined) {
      id = snowflake();
      dmChannels.set(userId, id);
    }
    return id;
  };

  const commandId = (name: string, guildId: string | null): string => {
    const registered = commands.get(guildId ?? '')?.get(name) ?? commands.get('')?.get(name);
    if (registered !== undefined) return registered.id;
    let id = commandIds.get(name);
    if (id === undefined) {
      id = snowflake();
      commandIds.set(name, id);
    }
    return id;
  };

  function guildObject(guildId: string): GatewayGuildCreateDispatchData {
    const now = new Date().toISOString();
    const botMember: APIGuildMember = {
      user: botUser,
      roles: [],
      joined_at: now,
      deaf: false,
      mute: false,
      flags: NO_FLAGS,
      nick: null,
      avatar: null,
      banner: null,
      premium_since: null,
      pending: false,
      communication_disabled_until: null,
    };
    return {
      id: guildId,
      name: `Guild ${guildId.slice(-4)}`,
      icon: null,
      splash: null,
      discovery_splash: null,
      banner: null,
      description: null,
      owner_id: FAKE_USER_ID,
      afk_channel_id: null,
      afk_timeout: 300,
      verification_level: 0,
      default_message_notifications: 1,
      explicit_content_filter: 0,
      roles: [
        {
          id: guildId,
          name: '@everyone',
          color: 0,
          colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
          hoist: false,
          position: 0,
          permissions: MEMBER_PERMISSIONS,
          managed: false,
          mentionable: false,
          flags: NO_FLAGS,
        },
      ],
      emojis: [],
      stickers: [],
      features: [],
      mfa_level: 0,
      application_id: null,
      system_channel_id: channelId(guildId),
      system_channel_flags: NO_FLAGS,
      rules_channel_id: null,
      public_updates_channel_id: null,
      safety_alerts_channel_id: null,
      vanity_url_code: null,
      premium_tier: 0,
      premium_subscription_count: 0,
      preferred_locale: Locale.EnglishUS,
      nsfw_level: 0,
      premium_progress_bar_enabled: false,
      hub_type: null,
      incidents_data: null,
      max_members: 500_000,
      max_video_channel_users: 25,
      joined_at: now,
      large: false,
      unavailable: false,
      member_count: 2,
      voice_states: [],
      members: [botMember],
      channels: [
        {
          id: channelId(guildId),
          type: ChannelType.GuildText,
          guild_id: guildId,
          name: 'general',
          position: 0,
          permission_overwrites: [],
          nsfw: false,
          parent_id: null,
          topic: null,
          last_message_id: null,
          rate_limit_per_user: 0,
          flags: NO_FLAGS,
        },
      ],
      threads: [],
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
    };
  }

  /** Where an interaction happens: a guild (member) or a DM with the bot (user). */
  function place(
    input: {
      readonly userId?: string;
      readonly guildId?: string | null;
      readonly channelId?: string;
      readonly memberPermissions?: string;
      readonly appPermissions?: string;
      readonly locale?: Locale;
    },
    token: string,
  ) {
    const user = userObject(input.userId ?? FAKE_USER_ID);
    const guildId = input.guildId === undefined ? (guildIds[0] ?? null) : input.guildId;
    const appPermissions = input.appPermissions ?? APP_PERMISSIONS;
    const common = {
      application_id: applicationId,
      version: 1 as const,
      app_permissions: appPermissions,
      locale: input.locale ?? Locale.EnglishUS,
      entitlements: [],
      attachment_size_limit: 10 * 1024 * 1024,
      token,
    };
    if (guildId === null) {
      const channel = input.channelId ?? dmChannelId(user.id);
      return {
        ...common,
        user,
        channel_id: channel,
        channel: {
          id: channel,
          type: ChannelType.DM as const,
          last_message_id: null,
          flags: NO_FLAGS,
          recipients: [user],
        },
        authorizing_integration_owners: { [ApplicationIntegrationType.GuildInstall]: '0' },
        context: InteractionContextType.BotDM,
      };
    }
    const channel = input.channelId ?? guildChannels.get(guildId) ?? snowflake();
    const member: APIInteractionGuildMember = {
      user,
      roles: [],
      permissions: input.memberPermissions ?? MEMBER_PERMISSIONS,
      joined_at: new Date(Date.now() - 86_400_000).toISOString(),
      deaf: false,
      mute: false,
      flags: NO_FLAGS,
      nick: null,
      avatar: null,
      banner: null,
      premium_since: null,
      pending: false,
      communication_disabled_until: null,
    };
    const guild: APIPartialInteractionGuild = { id: guildId, locale: Locale.EnglishUS, features: [] };
    return {
      ...common,
      guild_id: guildId,
      guild,
      guild_locale: Locale.EnglishUS,
      member,
      channel_id: channel,
      channel: {
        id: channel,
        type: ChannelType.GuildText as const,
        guild_id: guildId,
        name: 'general',
        position: 0,
        permission_overwrites: [],
        nsfw: false,
        parent_id: null,
        topic: null,
        last_message_id: null,
        rate_limit_per_user: 0,
        flags: NO_FLAGS,
      },
      authorizing_integration_owners: { [ApplicationIntegrationType.GuildInstall]: guildId },
      context: InteractionContextType.Guild,
    };
  }

  function newToken(id: string): string {
    return Buffer.from(`interaction:${id}:${randomBytes(48).toString('base64url')}`).toString('base64url');
  }

  function register(interaction: FakeInteraction): void {
    const state: InteractionState = {
      interaction,
      deadlineFrom: Date.now(),
      dispatched: false,
      acknowledged: false,
      expired: false,
      originalId: null,
      messageIds: new Set(),
    };
    interactionsById.set(interaction.id, state);
    interactionsByToken.set(interaction.token, state);
  }

  function chatInput(input: ChatInputOptions): APIChatInputApplicationCommandInteraction {
    const id = snowflake();
    const where = place(input, newToken(id));
    const guildId = 'guild_id' in where ? where.guild_id : null;
    const basic = [...(input.options ?? [])];
    let options: APIApplicationCommandInteractionDataOption[] = basic;
    if (input.subcommand !== undefined) {
      const subcommand: APIApplicationCommandInteractionDataSubcommandOption = {
        name: input.subcommand,
        type: ApplicationCommandOptionType.Subcommand,
        options: basic,
      };
      options =
        input.subcommandGroup === undefined
          ? [subcommand]
          : [
              {
                name: input.subcommandGroup,
                type: ApplicationCommandOptionType.SubcommandGroup,
                options: [subcommand],
              },
            ];
    }
    const interaction: APIChatInputApplicationCommandInteraction = {
      ...where,
      id,
      type: InteractionType.ApplicationCommand,
      data: {
        id: commandId(input.name, guildId),
        name: input.name,
        type: ApplicationCommandType.ChatInput,
        options,
        ...(guildId === null ? {} : { guild_id: guildId }),
      },
    };
    register(interaction);
    return interaction;
  }

  function newMessage(fields: {
    channelId: string;
    guildId?: string | undefined;
    type: MessageType;
    flags: number;
    interaction?: FakeInteraction;
  }): APIMessage {
    const message: APIMessage = {
      id: snowflake(),
      channel_id: fields.channelId,
      author: botUser,
      content: '',
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: [],
      embeds: [],
      components: [],
      pinned: false,
      type: fields.type,
      flags: fields.flags,
      webhook_id: applicationId,
      application_id: applicationId,
      position: 0,
    };
    const interaction = fields.interaction;
    if (interaction !== undefined) {
      const user = interaction.member?.user ?? interaction.user ?? userObject(FAKE_USER_ID);
      message.interaction_metadata =
        interaction.type === InteractionType.ApplicationCommand
          ? {
              id: interaction.id,
              type: InteractionType.ApplicationCommand,
              user,
              authorizing_integration_owners: interaction.authorizing_integration_owners,
            }
          : {
              id: interaction.id,
              type: InteractionType.MessageComponent,
              user,
              authorizing_integration_owners: interaction.authorizing_integration_owners,
              interacted_message_id: interaction.message.id,
            };
    }
    messages.set(message.id, message);
    return message;
  }

  function buttonPress(input: ButtonPressOptions): APIMessageComponentButtonInteraction {
    const id = snowflake();
    const where = place(input, newToken(id));
    let message = input.messageId === undefined ? undefined : messages.get(input.messageId);
    if (message === undefined) {
      message = newMessage({ channelId: where.channel_id, type: MessageType.Default, flags: 0 });
      if (input.messageId !== undefined) {
        messages.delete(message.id);
        message.id = input.messageId;
        messages.set(message.id, message);
      }
      message.content = 'A message with a button';
      message.components = [
        {
          type: ComponentType.ActionRow,
          components: [{ type: ComponentType.Button, style: 1, label: 'Press', custom_id: input.customId }],
        },
      ];
    }
    const interaction: APIMessageComponentButtonInteraction = {
      ...where,
      id,
      type: InteractionType.MessageComponent,
      data: { custom_id: input.customId, component_type: ComponentType.Button },
      message: structuredClone(message),
    };
    register(interaction);
    return interaction;
  }

  // Gateway -----------------------------------------------------------------------------------------------

  const send = (socket: WebSocket, payload: unknown) => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(payload));
  };

  function dispatchTo(session: GatewaySession, t: string, d: unknown): void {
    session.seq += 1;
    const event = { op: 0 as const, t, s: session.seq, d };
    session.events.push(event);
    if (session.events.length > 1000) session.events.shift();
    if (session.socket !== null) send(session.socket, event);
  }

  function dispatch(t: string, d: unknown): void {
    for (const session of sessions.values()) dispatchTo(session, t, d);
  }

  function onGatewayConnection(socket: WebSocket, req: IncomingMessage): void {
    sockets.add(socket);
    let session: GatewaySession | null = null;
    const params = new URL(req.url ?? '/', 'ws://localhost').searchParams;
    socket.on('close', (code) => {
      sockets.delete(socket);
      if (session === null || session.socket !== socket) return;
      session.socket = null;
      // A clean close (1000/1001) ends the session; any other close leaves it resumable.
      if (code === 1000 || code === 1001) sessions.delete(session.id);
    });
    if (params.get('v') !== '10') {
      socket.close(4012, 'Invalid API version');
      return;
    }
    if (params.has('encoding') && params.get('encoding') !== 'json') {
      socket.close(4002, 'Error while decoding payload.');
      return;
    }
    send(socket, {
      op: GatewayOpcodes.Hello,
      s: null,
      t: null,
      d: { heartbeat_interval: heartbeatIntervalMs },
    });
    socket.on('message', (raw, isBinary) => {
      let payload: z.infer<typeof GatewayPayload>;
      try {
        payload = GatewayPayload.parse(JSON.parse(isBinary ? '' : raw.toString()));
      } catch {
        socket.close(4002, 'Error while decoding payload.');
        return;
      }
      switch (payload.op) {
        case GatewayOpcodes.Heartbeat:
          send(socket, { op: GatewayOpcodes.HeartbeatAck, s: null, t: null, d: null });
          return;
        case GatewayOpcodes.Identify: {
          if (session !== null) {
            socket.close(4005, 'Already authenticated.');
            return;
          }
          const data = IdentifyData.safeParse(payload.d);
          if (!data.success) {
            socket.close(4002, 'Error while decoding payload.');
            return;
          }
          if (data.data.token.replace(/^Bot\s+/i, '') !== options.botToken) {
            socket.close(4004, 'Authentication failed.');
            return;
          }
          identifies.push({
            intents: data.data.intents,
            shard: data.data.shard ?? null,
            properties: data.data.properties,
            at: Date.now(),
          });
          session = { id: randomBytes(16).toString('hex'), seq: 0, events: [], socket };
          sessions.set(session.id, session);
          const ready: GatewayReadyDispatchData = {
            v: 10,
            user: { ...botUser, verified: true, mfa_enabled: false, email: null },
            guilds: guildIds.map((id) => ({ id, unavailable: true })),
            session_id: session.id,
            resume_gateway_url: `ws://127.0.0.1:${port}`,
            shard: data.data.shard ?? [0, 1],
            application: { id: applicationId, flags: NO_FLAGS, flags_new: '0' },
          };
          dispatchTo(session, 'READY', ready);
          // GUILD_CREATE needs the Guilds intent; the guilds in READY then arrive one by one.
          if ((data.data.intents & GatewayIntentBits.Guilds) !== 0) {
            for (const id of guildIds) dispatchTo(session, 'GUILD_CREATE', guildObject(id));
          }
          return;
        }
        case GatewayOpcodes.Resume: {
          const data = ResumeData.safeParse(payload.d);
          if (!data.success) {
            socket.close(4002, 'Error while decoding payload.');
            return;
          }
          const known = sessions.get(data.data.session_id);
          const accepted =
            known !== undefined &&
            data.data.token.replace(/^Bot\s+/i, '') === options.botToken &&
            (data.data.seq ?? 0) <= known.seq;
          resumes.push({ sessionId: data.data.session_id, seq: data.data.seq, accepted, at: Date.now() });
          if (!accepted || known === undefined) {
            send(socket, { op: GatewayOpcodes.InvalidSession, s: null, t: null, d: false });
            return;
          }
          if (known.socket !== null && known.socket !== socket)
            known.socket.close(4000, 'Session resumed elsewhere');
          known.socket = socket;
          session = known;
          // Missed events are replayed in order, then RESUMED.
          for (const event of known.events) if (event.s > (data.data.seq ?? 0)) send(socket, event);
          dispatchTo(known, 'RESUMED', {});
          return;
        }
        case GatewayOpcodes.PresenceUpdate:
        case GatewayOpcodes.VoiceStateUpdate:
        case GatewayOpcodes.RequestGuildMembers:
          if (session === null) socket.close(4003, 'Not authenticated.');
          return;
        default:
          socket.close(4001, 'Unknown opcode.');
      }
    });
  }

  // Interactions Endpoint URL ---------------------------------------------------------------------------

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

  // REST --------------------------------------------------------------------------------------------------

  function requireBot(req: IncomingMessage): void {
    if (req.headers.authorization !== `Bot ${options.botToken}`) throw DiscordError.unauthorized();
  }

  function takeFailure(route: FakeDiscordRoute): FakeDiscordFailure | undefined {
    if (route !== 'callback' && route !== 'edit' && route !== 'followUp' && route !== 'commands')
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
    if (a === 'applications' && (method === 'PUT' || method === 'GET')) {
      if (n === 3 && c === 'commands') return 'commands';
      if (n === 5 && c === 'guilds' && e === 'commands' && f === undefined) return 'commands';
    }
    return 'unknown';
  }

  /** The interaction webhook of a token exists once the interaction has been answered. */
  function webhookState(appId: string, token: string): InteractionState {
    const state = interactionsByToken.get(token);
    if (appId !== applicationId || state === undefined || !state.acknowledged || state.expired) {
      throw DiscordError.unknownWebhook();
    }
    return state;
  }

  function webhookMessage(state: InteractionState, messageId: string): APIMessage {
    const id = messageId === '@original' ? state.originalId : messageId;
    const message = id === null ? undefined : messages.get(id);
    if (id === null || message === undefined || (messageId !== '@original' && !state.messageIds.has(id))) {
      throw DiscordError.unknownMessage();
    }
    return message;
  }

  function applyMessageBody(message: APIMessage, body: MessageBody, files: readonly RecordedFile[]): void {
    if (body.content !== undefined) message.content = body.content ?? '';
    if (body.embeds !== undefined) {
      message.embeds = (body.embeds ?? []).map((embed): APIEmbed => ({ type: EmbedType.Rich, ...embed }));
    }
    if (body.components !== undefined) message.components = body.components ?? [];
    if (body.attachments !== undefined || files.length > 0) {
      const kept = message.attachments.filter((a) =>
        (body.attachments ?? []).some((b) => String(b.id) === a.id),
      );
      const uploaded = files.map((file): APIAttachment => {
        const id = snowflake();
        const url = `https://cdn.discordapp.com/attachments/${message.channel_id}/${id}/${file.filename}`;
        return {
          id,
          filename: file.filename,
          size: file.size,
          url,
          proxy_url: url.replace('cdn.discordapp.com', 'media.discordapp.net'),
          content_type: file.contentType,
        };
      });
      message.attachments = [...kept, ...uploaded];
    }
  }

  function callbackResponse(state: InteractionState, type: number, message: APIMessage | undefined) {
    return {
      interaction: {
        id: state.interaction.id,
        type: state.interaction.type,
        activity_instance_id: null,
        response_message_id: message?.id ?? null,
        response_message_loading:
          message === undefined ? null : ((message.flags ?? 0) & MessageFlags.Loading) !== 0,
        response_message_ephemeral:
          message === undefined ? null : ((message.flags ?? 0) & MessageFlags.Ephemeral) !== 0,
      },
      resource: message === undefined ? { type } : { type, message },
    };
  }

  function handleCallback(
    segments: readonly string[],
    query: URLSearchParams,
    parsed: { body: unknown; files: RecordedFile[] },
    arrivedAt: number,
  ): { status: number; body?: unknown } {
    const interactionId = segments[1] ?? '';
    const token = decodeURIComponent(segments[2] ?? '');
    const state = interactionsById.get(interactionId);
    if (state === undefined || state.interaction.token !== token || state.expired) {
      throw DiscordError.unknownInteraction();
    }
    return acknowledge(state, parsed, arrivedAt, query.get('with_response') === 'true', 'rest');
  }

  /** An initial response, through the callback route or as the endpoint's HTTP response. */
  function acknowledge(
    state: InteractionState,
    parsed: { body: unknown; files: RecordedFile[] },
    arrivedAt: number,
    withResponse: boolean,
    via: RecordedCallback['via'],
  ): { status: number; body?: unknown } {
    const interactionId = state.interaction.id;
    const token = state.interaction.token;
    if (state.acknowledged) {
      throw new DiscordError(
        400,
        RESTJSONErrorCodes.InteractionHasAlreadyBeenAcknowledged,
        'Interaction has already been acknowledged.',
      );
    }
    // The first response must arrive within 3 seconds of the interaction, or the token is dead.
    if (arrivedAt - state.deadlineFrom > callbackDeadlineMs) throw DiscordError.unknownInteraction();
    const body = CallbackBody.safeParse(parsed.body);
    if (!body.success) throw DiscordError.invalidForm(zodProblems(body.error));
    const { type, data } = body.data;
    const interaction = state.interaction;
    const isComponent = interaction.type === InteractionType.MessageComponent;
    const allowed: number[] = [
      InteractionResponseType.ChannelMessageWithSource,
      InteractionResponseType.DeferredChannelMessageWithSource,
      InteractionResponseType.Modal,
      InteractionResponseType.LaunchActivity,
    ];
    if (isComponent) {
      allowed.push(InteractionResponseType.DeferredMessageUpdate, InteractionResponseType.UpdateMessage);
    }
    if (!allowed.includes(type)) {
      throw DiscordError.invalidForm([
        {
          path: ['type'],
          code: 'INTERACTION_RESPONSE_TYPE_INVALID',
          message: 'Interaction response type is invalid',
        },
      ]);
    }
    const messageType = isComponent ? MessageType.Default : MessageType.ChatInputCommand;
    let message: APIMessage | undefined;
    switch (type) {
      case InteractionResponseType.ChannelMessageWithSource: {
        const content = parseMessageBody(data, ['data']);
        message = newMessage({
          channelId: interaction.channel_id,
          type: messageType,
          flags: (content.flags ?? 0) & (MessageFlags.Ephemeral | MessageFlags.SuppressEmbeds),
          interaction,
        });
        applyMessageBody(message, content, parsed.files);
        if (isEmptyMessage(message)) {
          messages.delete(message.id);
          throw new DiscordError(
            400,
            RESTJSONErrorCodes.CannotSendAnEmptyMessage,
            'Cannot send an empty message',
          );
        }
        break;
      }
      case InteractionResponseType.DeferredChannelMessageWithSource: {
        const flags = z.object({ flags: z.number().int().optional() }).safeParse(data ?? {});
        // A deferred response shows "thinking…" (Loading) until the first edit.
        message = newMessage({
          channelId: interaction.channel_id,
          type: messageType,
          flags:
            ((flags.success ? (flags.data.flags ?? 0) : 0) & MessageFlags.Ephemeral) | MessageFlags.Loading,
          interaction,
        });
        break;
      }
      case InteractionResponseType.DeferredMessageUpdate:
      case InteractionResponseType.UpdateMessage: {
        if (interaction.type !== InteractionType.MessageComponent) break;
        message = messages.get(interaction.message.id) ?? structuredClone(interaction.message);
        messages.set(message.id, message);
        if (type === InteractionResponseType.UpdateMessage) {
          applyMessageBody(message, parseMessageBody(data, ['data']), parsed.files);
          message.edited_timestamp = new Date().toISOString();
        }
        break;
      }
    }
    state.acknowledged = true;
    if (message !== undefined) {
      state.originalId = message.id;
      state.messageIds.add(message.id);
    }
    callbacks.push({ interactionId, token, type, data, withResponse, via, at: arrivedAt });
    if (withResponse) {
      return { status: 200, body: callbackResponse(state, type, message) };
    }
    return { status: 204 };
  }

  function handleWebhook(
    route: FakeDiscordRoute,
    segments: readonly string[],
    parsed: { body: unknown; files: RecordedFile[] },
  ): { status: number; body?: unknown } {
    const appId = segments[1] ?? '';
    const token = decodeURIComponent(segments[2] ?? '');
    const state = webhookState(appId, token);
    if (route === 'followUp') {
      const content = parseMessageBody(parsed.body);
      // The first follow-up after a deferred response takes the place of its "thinking…" message, with the
      // visibility the deferral chose: an ephemeral flag on it cannot make a public deferral private.
      const loading = state.originalId === null ? undefined : messages.get(state.originalId);
      if (loading !== undefined && ((loading.flags ?? 0) & MessageFlags.Loading) !== 0) {
        const edited = structuredClone(loading);
        applyMessageBody(edited, content, parsed.files);
        edited.flags = (edited.flags ?? 0) & ~MessageFlags.Loading;
        if (isEmptyMessage(edited)) {
          throw new DiscordError(
            400,
            RESTJSONErrorCodes.CannotSendAnEmptyMessage,
            'Cannot send an empty message',
          );
        }
        messages.set(edited.id, edited);
        followUps.push({
          applicationId: appId,
          token,
          body: JsonObject.parse(parsed.body ?? {}),
          files: parsed.files,
          message: structuredClone(edited),
          at: Date.now(),
        });
        return { status: 200, body: edited };
      }
      const message = newMessage({
        channelId: state.interaction.channel_id,
        type: MessageType.Default,
        flags: (content.flags ?? 0) & (MessageFlags.Ephemeral | MessageFlags.SuppressEmbeds),
        interaction: state.interaction,
      });
      applyMessageBody(message, content, parsed.files);
      if (isEmptyMessage(message)) {
        messages.delete(message.id);
        throw new DiscordError(
          400,
          RESTJSONErrorCodes.CannotSendAnEmptyMessage,
          'Cannot send an empty message',
        );
      }
      state.messageIds.add(message.id);
      followUps.push({
        applicationId: appId,
        token,
        body: JsonObject.parse(parsed.body ?? {}),
        files: parsed.files,
        message: structuredClone(message),
        at: Date.now(),
      });
      // Follow-ups behave as webhook executions with `wait=true`: the message comes back.
      return { status: 200, body: message };
    }
    const messageId = decodeURIComponent(segments[4] ?? '');
    const message = webhookMessage(state, messageId);
    if (route === 'getMessage') return { status: 200, body: message };
    if (route === 'deleteMessage') {
      messages.delete(message.id);
      state.messageIds.delete(message.id);
      return { status: 204 };
    }
    const content = parseMessageBody(parsed.body);
    const edited = structuredClone(message);
    applyMessageBody(edited, content, parsed.files);
    if (content.flags !== undefined && content.flags !== null) {
      const editable = MessageFlags.SuppressEmbeds;
      edited.flags = ((edited.flags ?? 0) & ~editable) | (content.flags & editable);
    }
    // The first edit of a deferred response replaces the "thinking…" state.
    edited.flags = (edited.flags ?? 0) & ~MessageFlags.Loading;
    edited.edited_timestamp = new Date().toISOString();
    if (isEmptyMessage(edited)) {
      throw new DiscordError(
        400,
        RESTJSONErrorCodes.CannotSendAnEmptyMessage,
        'Cannot send an empty message',
      );
    }
    messages.set(edited.id, edited);
    edits.push({
      applicationId: appId,
      token,
      messageId,
      body: JsonObject.parse(parsed.body ?? {}),
      files: parsed.files,
      message: structuredClone(edited),
      at: Date.now(),
    });
    return { status: 200, body: edited };
  }

  function handleCommands(
    req: IncomingMessage,
    segments: readonly string[],
    parsed: { body: unknown },
  ): { status: number; body?: unknown } {
    requireBot(req);
    const appId = segments[1] ?? '';
    if (appId !== applicationId)
      throw new DiscordError(403, RESTJSONErrorCodes.MissingAccess, 'Missing Access');
    const guildId = segments.length === 5 ? (segments[3] ?? null) : null;
    const scope = guildId ?? '';
    if (req.method === 'GET') return { status: 200, body: [...(commands.get(scope)?.values() ?? [])] };
    const body = z.array(CommandBody).safeParse(parsed.body);
    if (!body.success) throw DiscordError.invalidForm(zodProblems(body.error));
    const problems: Problem[] = [];
    const names = new Set<string>();
    body.data.forEach((command, i) => {
      const type = command.type ?? ApplicationCommandType.ChatInput;
      const key = `${type}:${command.name}`;
      if (names.has(key)) {
        problems.push({
          path: [i, 'name'],
          code: 'APPLICATION_COMMANDS_DUPLICATE_NAME',
          message: `Application command names must be unique`,
        });
      }
      names.add(key);
      problems.push(
        ...commandProblems([i], command, command.options, type === ApplicationCommandType.ChatInput),
      );
    });
    if (body.data.length > 100) {
      problems.push({ path: [], code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 100 or fewer in length.' });
    }
    if (problems.length > 0) throw DiscordError.invalidForm(problems);
    const previous = commands.get(scope) ?? new Map<string, APIApplicationCommand>();
    const next = new Map<string, APIApplicationCommand>();
    for (const command of body.data) {
      const type = command.type ?? ApplicationCommandType.ChatInput;
      const kept = previous.get(command.name);
      const stored = {
        ...command,
        id: kept?.id ?? commandIds.get(command.name) ?? snowflake(),
        application_id: applicationId,
        version: snowflake(),
        type,
        description: command.description ?? '',
        default_member_permissions: null,
        nsfw: false,
        ...(guildId === null ? {} : { guild_id: guildId }),
      } as APIApplicationCommand;
      commandIds.set(command.name, stored.id);
      next.set(command.name, stored);
    }
    commands.set(scope, next);
    const list = [...next.values()];
    commandPuts.push({ applicationId: appId, guildId, commands: list, body: parsed.body, at: Date.now() });
    return { status: 200, body: list };
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
        return { status: 200, body: { url: `ws://127.0.0.1:${port}` } };
      case 'gatewayBot':
        requireBot(req);
        return {
          status: 200,
          body: {
            url: `ws://127.0.0.1:${port}`,
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
      default:
        throw DiscordError.notFound();
    }
  }

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
  port = (server.address() as AddressInfo).port;

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
    get connections() {
      return sockets.size;
    },
    channelId,
    chatInput,
    buttonPress,
    publicKey: signer.publicKey,
    endpointDeliveries,
    setInteractionsEndpoint,
    postInteraction,
    dispatchInteraction<T extends FakeInteraction>(interaction: T): T {
      // Discord sends an application's interactions to its endpoint URL or over the gateway, never both.
      if (endpointUrls.length > 0) {
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
      endpointAgent.destroy();
      for (const socket of sockets) socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
