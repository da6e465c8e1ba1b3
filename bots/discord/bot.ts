/**
 * The Discord adapter: an interaction in, its initial response out within Discord's 3 seconds, and for
 * `/mood` and the playlist buttons a `mood` job through the one admission path (workers/admission.ts); the
 * worker then edits the deferred reply. It translates and renders only: it never touches the database or the
 * models, and the claim, limits and enqueue are the admission's.
 *
 * The same handler serves both ways Discord delivers interactions: over the gateway (attachDiscordBot: the
 * initial response is a POST to the interaction callback) and at the Interactions Endpoint URL
 * (http-endpoint.ts: the initial response is the HTTP response itself). An application uses one or the other.
 */
import { DiscordAPIError, HTTPError, type REST } from '@discordjs/rest';
import { type Client, Events, InteractionResponseType, MessageFlags, Routes } from 'discord.js';
import type { Logger } from 'pino';
import { moodProblem, parseMood } from '../../core/mood-text.ts';
import { createAdminAdmission } from '../../workers/admin-admission.ts';
import { createMoodAdmission, MOOD_SIZE, type MoodAdmissionDeps } from '../../workers/admission.ts';
import type { DailySchedules } from '../../workers/daily.ts';
import type { ReindexQueue } from '../../workers/reindex-queue.ts';
import { onAdmin } from './admin.ts';
import { type InitialResponse, MESSAGES, privateNote, replyOf } from './answers.ts';
import { createInteractionRest } from './client.ts';
import { parseButtonId } from './commands.ts';
import { createDailyCommand } from './daily.ts';
import { type DiscordInteraction, optionValue, readInteraction } from './interaction.ts';
import { createPlaylistControls } from './playlist-controls.ts';
import { privateFollowUp, replyPrivately } from './private-reply.ts';
import { failureMessage } from './render.ts';

export interface DiscordBotDeps extends MoodAdmissionDeps {
  readonly log: Logger;
  /** `/mood-admin`: absent in processes that do not administer the catalog. */
  readonly admin?: {
    readonly reindex: ReindexQueue;
    readonly operators: ReadonlySet<string>;
    /** How often the status message is refreshed. */
    readonly refreshMs?: number;
  };
  /** `/mood-daily`: absent, the command says it is not available here. */
  readonly daily?: DailySchedules;
}

/** Handles one interaction payload; `respond` is how its initial response reaches Discord. */
export type InteractionHandler = (raw: unknown, respond?: InitialResponse) => Promise<void>;

export { type InitialResponse, MESSAGES } from './answers.ts';

/** Over the gateway: every INTERACTION_CREATE dispatch goes to the handler, answered through the callback. */
export function attachDiscordBot(client: Client, deps: DiscordBotDeps, rest?: REST): InteractionHandler {
  const handle = createInteractionHandler(
    deps,
    rest ?? createInteractionRest(String(client.rest.options.api)),
  );
  client.on(Events.Raw, (packet: { t?: unknown; d?: unknown }) => {
    if (packet.t === 'INTERACTION_CREATE') void handle(packet.d);
  });
  return handle;
}

/**
 * Discord shows "This interaction failed" for any interaction without an initial response within 3 seconds,
 * so every one gets an answer: commands and buttons Sonic Mood does not know (an old custom_id format, another
 * app's, a retired command) a private note, autocomplete an empty list, a PING its PONG.
 */
export function createInteractionHandler(deps: DiscordBotDeps, rest: REST): InteractionHandler {
  const { log } = deps;
  const moods = createMoodAdmission(deps, log);
  const controls = createPlaylistControls(moods, rest);
  const daily = deps.daily && createDailyCommand(deps.daily, log);
  const admin = deps.admin && {
    admission: createAdminAdmission(
      {
        reindex: deps.admin.reindex,
        operators: deps.admin.operators,
        deliveries: deps.deliveries,
      },
      log,
    ),
    reindex: deps.admin.reindex,
    refreshMs: deps.admin.refreshMs,
  };

  return async (raw, respondVia) => {
    const interaction = readInteraction(raw);
    if (!interaction) {
      log.warn({}, 'unreadable interaction payload');
      return;
    }
    const callback: InitialResponse = (body) =>
      rest
        .post(Routes.interactionCallback(interaction.id, interaction.token), { body, auth: false })
        .then(() => undefined);
    const send = respondVia ?? callback;
    let state: 'open' | 'answered' | 'deferred' | 'updating' = 'open';
    let deferredEphemeral = false;
    const respond: InitialResponse = async (body) => {
      await send(body);
      state =
        body.type === InteractionResponseType.DeferredChannelMessageWithSource
          ? 'deferred'
          : body.type === InteractionResponseType.DeferredMessageUpdate
            ? 'updating'
            : 'answered';
      deferredEphemeral =
        'data' in body && (body.data as { flags?: number }).flags === MessageFlags.Ephemeral;
    };
    try {
      await route(interaction, respond);
    } catch (error) {
      // A REST error names its request URL, and with it the interaction token: its message only.
      const err = error instanceof DiscordAPIError || error instanceof HTTPError ? error.message : error;
      log.error({ interactionId: interaction.id, err }, 'interaction handling failed');
      // Whatever state the interaction is in, the requester hears something, privately.
      if (state === 'open') await respond(privateNote(MESSAGES.busy)).catch(() => {});
      else if (state === 'updating') {
        await privateFollowUp(rest, replyOf(interaction, true), failureMessage(MESSAGES.busy)).catch(
          () => {},
        );
      } else if (state === 'deferred') {
        await replyPrivately(
          rest,
          replyOf(interaction, deferredEphemeral),
          failureMessage(MESSAGES.busy),
        ).catch(() => {});
      }
    }
  };

  async function route(interaction: DiscordInteraction, respond: InitialResponse): Promise<void> {
    const { what } = interaction;
    if (what.kind === 'ping') return respond({ type: InteractionResponseType.Pong });
    if (what.kind === 'autocomplete') {
      // No option of ours autocompletes: an empty list closes the picker instead of an error.
      return respond({
        type: InteractionResponseType.ApplicationCommandAutocompleteResult,
        data: { choices: [] },
      });
    }
    if (what.kind === 'command' && what.name === 'mood') {
      const parsed = parseMood(optionValue(what.options, 'mood', 'string') ?? '');
      if (!parsed.ok) return respond(privateNote(moodProblem(parsed)));
      const size = Math.round(optionValue(what.options, 'size', 'number') ?? MOOD_SIZE.default);
      return controls.submit(interaction, respond, {
        origin: 'command',
        mood: parsed.text,
        size: Math.min(MOOD_SIZE.max, Math.max(MOOD_SIZE.min, size)),
        ephemeral: optionValue(what.options, 'private', 'boolean') ?? false,
      });
    }
    if (what.kind === 'command' && what.name === 'mood-daily') {
      if (!daily) return respond(privateNote(MESSAGES.unavailableDaily));
      return daily(interaction, what.options, respond);
    }
    if (what.kind === 'command' && what.name === 'mood-admin') {
      if (!admin) return respond(privateNote(MESSAGES.admin));
      return onAdmin(interaction, what.options, respond, rest, admin, log);
    }
    if (what.kind === 'button' || what.kind === 'select' || what.kind === 'modal') {
      const control = parseButtonId(what.customId);
      if (control) return controls.onControl(interaction, respond, control);
      log.info({ interactionId: interaction.id, kind: what.kind }, 'unknown component answered');
      return respond(privateNote(MESSAGES.unknownButton));
    }
    log.info({ interactionId: interaction.id, kind: what.kind }, 'unknown interaction answered');
    return respond(privateNote(MESSAGES.unknownCommand));
  }
}
