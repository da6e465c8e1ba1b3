/**
 * A local Discord that the real discord.js client and @discordjs/rest talk to: the gateway (HELLO, IDENTIFY,
 * READY, GUILD_CREATE, heartbeats, RESUME) and the REST endpoints an interactions bot uses (callbacks,
 * interaction webhooks, command registration, channel messages), with Discord's error codes, limits and
 * scripted failures.
 * As on Discord, the first follow-up after a deferred response edits its "thinking…" message and keeps the
 * deferral's visibility; once that message is deleted, a follow-up is a new message with its own flags.
 *
 * Interactions reach the application one way only, as on Discord: over the gateway, or — once an
 * Interactions Endpoint URL is set (and passed the Developer Portal's check: a signed PING answered with PONG,
 * a forged one refused with 401) — as signed POSTs to that URL, whose HTTP response is the initial response.
 * A test builds them (a command, a button press, a string select pick, the submission of a modal the bot
 * showed) and delivers them with `dispatchInteraction`.
 *
 * The parts: `server.ts` starts it; `gateway.ts`, `rest.ts` and `endpoint.ts` are the three ways in and out;
 * `callbacks.ts`, `webhooks.ts`, `commands.ts` and `channels.ts` answer the REST routes; `interactions.ts`
 * and `places.ts` build what is delivered, `messages.ts` what is posted; `validation.ts`, `components.ts`
 * and `modals.ts` are Discord's checks, reported through `problems.ts` and `errors.ts`; `state.ts` is what
 * one fake remembers, `types.ts` its public types.
 */
export { FAKE_USER_ID } from './ids.ts';
export { startFakeDiscord } from './server.ts';
export type {
  ButtonPressOptions,
  ChannelAccess,
  ChatInputOptions,
  EndpointDelivery,
  FailableRoute,
  FakeDiscord,
  FakeDiscordFailure,
  FakeDiscordOptions,
  FakeDiscordRoute,
  FakeInteraction,
  FakeModalSubmitInteraction,
  FakeStringSelectInteraction,
  ModalSubmitOptions,
  RecordedCallback,
  RecordedChannelMessage,
  RecordedCommandPut,
  RecordedEdit,
  RecordedFile,
  RecordedFollowUp,
  RecordedIdentify,
  RecordedModal,
  RecordedRequest,
  RecordedResume,
  SignatureKind,
  StringSelectOptions,
} from './types.ts';
