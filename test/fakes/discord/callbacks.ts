/**
 * Initial responses to an interaction — through `POST /interactions/{id}/{token}/callback` or as the HTTP
 * response to an endpoint delivery: once only, within 3 seconds, of a type the interaction allows (6 and 7
 * update the message a component is on; 9 shows a modal), with the message it creates or edits.
 * https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-response-object-interaction-callback-type
 */
import {
  type APIMessage,
  InteractionResponseType,
  InteractionType,
  MessageFlags,
  MessageType,
  RESTJSONErrorCodes,
} from 'discord.js';
import { z } from 'zod';
import { DiscordError } from './errors.ts';
import type { Messages } from './messages.ts';
import { parseModal } from './modals.ts';
import { zodProblems } from './problems.ts';
import type { FakeState, InteractionState } from './state.ts';
import type { RecordedCallback, RecordedFile } from './types.ts';
import { CallbackBody, isEmptyMessage, parseMessageBody } from './validation.ts';

export type Callbacks = ReturnType<typeof createCallbacks>;

export function createCallbacks(shared: FakeState, { newMessage, applyMessageBody }: Messages) {
  const { callbackDeadlineMs, callbacks, interactionsById, messages, modals } = shared;

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
    const isCommand = interaction.type === InteractionType.ApplicationCommand;
    // The message the interaction came from: a component's, or the one a modal opened from a component was on.
    const source = isCommand ? undefined : interaction.message;
    const allowed: number[] = [
      InteractionResponseType.ChannelMessageWithSource,
      InteractionResponseType.DeferredChannelMessageWithSource,
      InteractionResponseType.LaunchActivity,
    ];
    // A modal answers a command or a component, never a modal submission (nor a PING).
    if (interaction.type !== InteractionType.ModalSubmit) allowed.push(InteractionResponseType.Modal);
    // Updating "the message" needs one: a component's, or that of a modal opened from a component.
    if (source !== undefined) {
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
    const messageType = isCommand ? MessageType.ChatInputCommand : MessageType.Default;
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
          throw DiscordError.emptyMessage();
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
        if (source === undefined) break;
        message = messages.get(source.id) ?? structuredClone(source);
        messages.set(message.id, message);
        if (type === InteractionResponseType.UpdateMessage) {
          applyMessageBody(message, parseMessageBody(data, ['data']), parsed.files);
          message.edited_timestamp = new Date().toISOString();
        }
        break;
      }
      case InteractionResponseType.Modal: {
        // Shown, not posted: there is no message, and the test fills the modal in with `modalSubmit`.
        const modal = parseModal(data, ['data']);
        modals.push({
          interactionId,
          token,
          customId: modal.custom_id,
          title: modal.title,
          textInputs: modal.components.flatMap((row) => row.components),
          at: arrivedAt,
        });
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

  return { handleCallback, acknowledge };
}
