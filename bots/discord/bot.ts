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
import {
  type APIInteractionResponse,
  type Client,
  Events,
  InteractionResponseType,
  MessageFlags,
  Routes,
} from 'discord.js';
import type { Logger } from 'pino';
import { moodProblem, parseMood } from '../../core/mood-text.ts';
import { createAdminAdmission } from '../../workers/admin-admission.ts';
import {
  ADMISSION_MESSAGES,
  createMoodAdmission,
  limitMessage,
  MOOD_SIZE,
  type MoodAdmissionDeps,
  type MoodAsk,
  type MoodVerdict,
  voteText,
} from '../../workers/admission.ts';
import type { PlaylistControl } from '../../workers/playlist-context.ts';
import type { ReindexQueue } from '../../workers/reindex-queue.ts';
import { onAdmin } from './admin.ts';
import { createInteractionRest } from './client.ts';
import { parseButtonId, REFINE_INPUT_ID } from './commands.ts';
import { type DiscordInteraction, optionValue, readInteraction } from './interaction.ts';
import { privateFollowUp, replyPrivately } from './private-reply.ts';
import { failureMessage, refineModal } from './render.ts';

export interface DiscordBotDeps extends MoodAdmissionDeps {
  readonly log: Logger;
  /** `/mood-admin`: absent in processes that do not administer the catalog. */
  readonly admin?: {
    readonly reindex: ReindexQueue;
    readonly operators: ReadonlySet<string>;
    /** How often the status message is refreshed. */
    readonly refreshMs?: number;
  };
}

/** The initial response to one interaction; rejects when Discord refuses it (already acknowledged, expired). */
export type InitialResponse = (response: APIInteractionResponse) => Promise<void>;

/** Handles one interaction payload; `respond` is how its initial response reaches Discord. */
export type InteractionHandler = (raw: unknown, respond?: InitialResponse) => Promise<void>;

export const MESSAGES = {
  ...ADMISSION_MESSAGES,
  groupCap: (s: number) => ADMISSION_MESSAGES.groupCap(s, 'server'),
  unknownButton: 'This button is no longer supported. Run /mood for a fresh playlist!',
  unknownCommand: 'Sonic Mood no longer has that command. Try /mood!',
} as const;

const NO_MENTIONS = { parse: [] as [] };

const privateNote = (content: string): APIInteractionResponse => ({
  type: InteractionResponseType.ChannelMessageWithSource,
  data: { content, flags: MessageFlags.Ephemeral, allowed_mentions: NO_MENTIONS },
});

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
      return submit(interaction, respond, {
        origin: 'command',
        mood: parsed.text,
        size: Math.min(MOOD_SIZE.max, Math.max(MOOD_SIZE.min, size)),
        ephemeral: optionValue(what.options, 'private', 'boolean') ?? false,
      });
    }
    if (what.kind === 'command' && what.name === 'mood-admin') {
      if (!admin) return respond(privateNote(MESSAGES.admin));
      return onAdmin(interaction, what.options, respond, rest, admin, log);
    }
    if (what.kind === 'button' || what.kind === 'select' || what.kind === 'modal') {
      const control = parseButtonId(what.customId);
      if (control) return onControl(interaction, respond, control);
      log.info({ interactionId: interaction.id, kind: what.kind }, 'unknown component answered');
      return respond(privateNote(MESSAGES.unknownButton));
    }
    log.info({ interactionId: interaction.id, kind: what.kind }, 'unknown interaction answered');
    return respond(privateNote(MESSAGES.unknownCommand));
  }

  /** A playlist's button, menu or modal: a follow-up job, the refine modal, or a vote. */
  async function onControl(
    interaction: DiscordInteraction,
    respond: InitialResponse,
    { control, playlistId }: { control: PlaylistControl; playlistId: string },
  ): Promise<void> {
    const { what } = interaction;
    switch (control) {
      case 'take':
      case 'like':
        return submit(interaction, respond, { origin: 'button', action: control, playlistId });
      case 'up':
      case 'down': {
        const verdict = await moods.submitVote({
          platform: 'discord',
          userId: interaction.userId ?? '',
          groupId: interaction.guildId,
          playlistId,
          vote: control,
        });
        return respond(privateNote(voteText(verdict, control)));
      }
      case 'swap': {
        const songId = what.kind === 'select' ? what.values[0] : undefined;
        if (!songId) return respond(privateNote(MESSAGES.unknownButton));
        return submit(interaction, respond, { origin: 'swap', playlistId, songId });
      }
      case 'refine': {
        if (what.kind !== 'modal') {
          // The modal is the answer to the press itself: it cannot wait for a job, and asks nothing of one.
          const state = await moods.canFollow(playlistId);
          if (state !== 'open')
            return respond(privateNote(state === 'stale' ? MESSAGES.stale : MESSAGES.busy));
          return respond({ type: InteractionResponseType.Modal, data: refineModal(playlistId) });
        }
        const parsed = parseMood(what.fields.get(REFINE_INPUT_ID) ?? '');
        if (!parsed.ok) return respond(privateNote(moodProblem(parsed)));
        return submit(interaction, respond, { origin: 'refine', playlistId, text: parsed.text });
      }
    }
  }

  async function submit(
    interaction: DiscordInteraction,
    respond: InitialResponse,
    ask: MoodAsk,
  ): Promise<void> {
    // A refine or a swap edits the playlist it came from: the deferral is an update of that message.
    const update = ask.origin === 'refine' || ask.origin === 'swap';
    const verdict = await moods.submitMood(
      {
        interactionKey: interaction.id,
        userId: interaction.userId ?? '',
        groupId: interaction.guildId,
        requestedAt: interaction.createdAt,
        target: {
          platform: 'discord',
          applicationId: interaction.applicationId,
          interactionId: interaction.id,
          token: interaction.token,
          ...(update ? { update } : {}),
        },
        ask,
      },
      (ephemeral) =>
        respond(
          update
            ? { type: InteractionResponseType.DeferredMessageUpdate }
            : {
                type: InteractionResponseType.DeferredChannelMessageWithSource,
                ...(ephemeral ? { data: { flags: MessageFlags.Ephemeral } } : {}),
              },
        ),
    );
    await render(interaction, respond, verdict, update);
  }

  async function render(
    interaction: DiscordInteraction,
    respond: InitialResponse,
    verdict: MoodVerdict,
    update: boolean,
  ) {
    switch (verdict.status) {
      case 'queued':
      case 'unacknowledged':
        return;
      case 'limited':
        return respond(privateNote(limitMessage(verdict, 'server')));
      case 'stale':
        return respond(privateNote(verdict.reason === 'notShown' ? MESSAGES.notShown : MESSAGES.stale));
      case 'unavailable':
        if (!verdict.acknowledged) return respond(privateNote(MESSAGES.busy));
        // An update's deferral left the playlist as it was: the apology is a private follow-up beside it.
        if (update)
          return privateFollowUp(rest, replyOf(interaction, true), failureMessage(MESSAGES.busy)).catch(
            () => {},
          );
        // For the requester only, as every failure. (Should Redis have taken the job and only its reply been
        // lost, the worker finds the placeholder deleted and posts nothing: no playlist after "try again".)
        await replyPrivately(
          rest,
          replyOf(interaction, verdict.ephemeral),
          failureMessage(MESSAGES.busy),
        ).catch(() => {});
    }
  }
}

function replyOf(interaction: DiscordInteraction, ephemeral: boolean) {
  return { applicationId: interaction.applicationId, token: interaction.token, ephemeral };
}
