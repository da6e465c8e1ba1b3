/** Everything one fake Discord remembers, shared by its parts: records, interactions, messages, sessions. */
import type { APIApplicationCommand, APIMessage, APIUser } from 'discord.js';
import type { WebSocket } from 'ws';
import { snowflake } from './ids.ts';
import type {
  ChannelAccess,
  FailableRoute,
  FakeDiscordFailure,
  FakeDiscordOptions,
  FakeInteraction,
  RecordedCallback,
  RecordedChannelMessage,
  RecordedCommandPut,
  RecordedEdit,
  RecordedFollowUp,
  RecordedIdentify,
  RecordedModal,
  RecordedRequest,
  RecordedResume,
} from './types.ts';

export interface InteractionState {
  readonly interaction: FakeInteraction;
  /** When the interaction was first dispatched (or built, if it never was). */
  deadlineFrom: number;
  dispatched: boolean;
  acknowledged: boolean;
  expired: boolean;
  originalId: string | null;
  readonly messageIds: Set<string>;
}

export interface GatewaySession {
  readonly id: string;
  seq: number;
  readonly events: { op: 0; t: string; s: number; d: unknown }[];
  socket: WebSocket | null;
}

export interface FakeState {
  readonly options: FakeDiscordOptions;
  readonly applicationId: string;
  readonly guildIds: readonly string[];
  readonly latencyMs: number;
  readonly heartbeatIntervalMs: number;
  readonly callbackDeadlineMs: number;
  readonly botUser: APIUser;
  readonly requests: RecordedRequest[];
  readonly callbacks: RecordedCallback[];
  readonly edits: RecordedEdit[];
  readonly followUps: RecordedFollowUp[];
  readonly commandPuts: RecordedCommandPut[];
  readonly identifies: RecordedIdentify[];
  readonly resumes: RecordedResume[];
  readonly modals: RecordedModal[];
  readonly channelMessages: RecordedChannelMessage[];
  readonly failures: Map<FailableRoute, { failure: FakeDiscordFailure; remaining: number }[]>;
  readonly interactionsById: Map<string, InteractionState>;
  readonly interactionsByToken: Map<string, InteractionState>;
  /** A modal submission's id → the interaction whose modal it submits. */
  readonly modalTriggers: Map<string, FakeInteraction>;
  readonly messages: Map<string, APIMessage>;
  readonly guildChannels: Map<string, string>;
  readonly dmChannels: Map<string, string>;
  /** Channels the bot may post in unless a test says otherwise: guild text channels, those of interactions. */
  readonly knownChannels: Set<string>;
  readonly channelAccess: Map<string, ChannelAccess>;
  /** Registered commands per scope ('' for global), keyed by name so ids survive re-registration. */
  readonly commands: Map<string, Map<string, APIApplicationCommand>>;
  readonly commandIds: Map<string, string>;
  readonly sessions: Map<string, GatewaySession>;
  readonly sockets: Set<WebSocket>;
  /** The server's port, once it listens. */
  port: number;
}

export function createState(options: FakeDiscordOptions): FakeState {
  const applicationId = options.applicationId;
  const guildIds = [...(options.guilds ?? [])];
  const guildChannels = new Map(guildIds.map((id) => [id, snowflake()]));
  return {
    options,
    applicationId,
    guildIds,
    latencyMs: options.latencyMs ?? 0,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
    callbackDeadlineMs: options.callbackDeadlineMs ?? 3000,
    botUser: {
      id: options.botUserId ?? applicationId,
      username: options.botUsername ?? 'Sonic Mood',
      discriminator: '0',
      global_name: null,
      avatar: null,
      bot: true,
    },
    requests: [],
    callbacks: [],
    edits: [],
    followUps: [],
    commandPuts: [],
    identifies: [],
    resumes: [],
    modals: [],
    channelMessages: [],
    failures: new Map(),
    interactionsById: new Map(),
    interactionsByToken: new Map(),
    modalTriggers: new Map(),
    messages: new Map(),
    guildChannels,
    dmChannels: new Map(),
    knownChannels: new Set(guildChannels.values()),
    channelAccess: new Map(),
    commands: new Map(),
    commandIds: new Map(),
    sessions: new Map(),
    sockets: new Set(),
    port: 0,
  };
}
