/** The fake's public types: its options, the routes and failures it scripts, and what it records. */
import type { IncomingHttpHeaders } from 'node:http';
import type {
  APIApplicationCommand,
  APIApplicationCommandInteractionDataBasicOption,
  APIChatInputApplicationCommandInteraction,
  APIMessage,
  APIMessageComponentButtonInteraction,
  APIMessageComponentSelectMenuInteraction,
  APIMessageStringSelectInteractionData,
  APIModalSubmitInteraction,
  APITextInputComponent,
  APIUser,
  Locale,
} from 'discord.js';

/** A string select menu's interaction: a component interaction whose data carries the picked `values`. */
export type FakeStringSelectInteraction = APIMessageComponentSelectMenuInteraction & {
  data: APIMessageStringSelectInteractionData;
};

/** A modal submission as the fake sends it: from a channel, with the app's permissions, as Discord's are. */
export type FakeModalSubmitInteraction = APIModalSubmitInteraction &
  Required<Pick<APIModalSubmitInteraction, 'app_permissions' | 'channel_id' | 'channel'>>;

export type FakeInteraction =
  | APIChatInputApplicationCommandInteraction
  | APIMessageComponentButtonInteraction
  | FakeStringSelectInteraction
  | FakeModalSubmitInteraction;

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
  | 'channelMessage'
  | 'unknown';

export type FailableRoute = 'callback' | 'edit' | 'followUp' | 'commands' | 'channelMessage';

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

/** A message POSTed to a channel with the bot token (`POST /channels/{id}/messages`). */
export interface RecordedChannelMessage {
  readonly channelId: string;
  /** The bot token it was sent with (without `Bot `). */
  readonly token: string;
  readonly body: Readonly<Record<string, unknown>>;
  readonly files: readonly RecordedFile[];
  readonly message: APIMessage;
  readonly at: number;
}

/**
 * Whether the bot may post in a channel: `ok`, `missing-access` (403, code 50001: the bot cannot see it) or
 * `unknown` (404, code 10003: deleted, or never a channel).
 */
export type ChannelAccess = 'ok' | 'missing-access' | 'unknown';

/** A modal the bot showed (callback type 9), for a test to fill in with `modalSubmit`. */
export interface RecordedModal {
  /** The interaction it answered. */
  readonly interactionId: string;
  readonly token: string;
  readonly customId: string;
  readonly title: string;
  /** Its text inputs in order, one per action row, as the bot sent them. */
  readonly textInputs: readonly APITextInputComponent[];
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

export interface StringSelectOptions {
  readonly customId: string;
  /** The option values the user picked. */
  readonly values: readonly string[];
  /**
   * A message the fake knows is used as is, and its menu must offer these values; otherwise one is made up
   * with a menu of exactly these options.
   */
  readonly messageId?: string;
  readonly userId?: string;
  readonly guildId?: string | null;
  readonly channelId?: string;
  readonly memberPermissions?: string;
  readonly appPermissions?: string;
  readonly locale?: Locale;
}

export interface ModalSubmitOptions {
  /** The modal the bot showed: an entry of `modals`. The user, guild and channel are those it was shown to. */
  readonly modal: RecordedModal;
  /** What the user types, by text input `custom_id`; an input left out keeps its pre-filled `value`, or ''. */
  readonly values?: Readonly<Record<string, string>>;
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
  /** Every modal the bot showed, in order. */
  readonly modals: RecordedModal[];
  /** Every message POSTed to a channel with the bot token, in order. */
  readonly channelMessages: RecordedChannelMessage[];
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
  /** A pick in a string select menu (throws when a known message has no such menu or option). */
  stringSelect(options: StringSelectOptions): FakeStringSelectInteraction;
  /**
   * The user fills in and submits a modal the bot showed (throws for a modal it never showed, a text input it
   * does not have, or a value Discord's client would not submit: too long, too short, or required and empty).
   * A modal opened from a message component carries that message, as on Discord.
   */
  modalSubmit(options: ModalSubmitOptions): FakeModalSubmitInteraction;
  /** The modal the bot showed in answer to this interaction. */
  modal(interactionId: string): RecordedModal | undefined;
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
  /**
   * Whether the bot may post in the channel. By default a guild's text channel and any channel an interaction
   * came from are `ok`, any other id `unknown`.
   */
  setChannelAccess(channelId: string, access: ChannelAccess): void;
  /** The interaction token stops working, as 15 minutes after the interaction. */
  expireToken(token: string): void;
  /** The original response as it stands after every callback and edit. */
  originalMessage(token: string): APIMessage | undefined;
  message(messageId: string): APIMessage | undefined;
  waitFor<T>(predicate: () => T | undefined | null | false, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}
