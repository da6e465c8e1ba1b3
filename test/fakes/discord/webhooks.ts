/**
 * The interaction webhook (`/webhooks/{app}/{token}`), which works without the bot token once the interaction
 * is answered and until its token expires: follow-ups, and GET, PATCH and DELETE of `@original` or a
 * follow-up. `@original` is the response, or after type 6/7 the message the component was on.
 */
import { type APIMessage, MessageFlags, MessageType } from 'discord.js';
import { DiscordError } from './errors.ts';
import { JsonObject } from './json.ts';
import type { Messages } from './messages.ts';
import type { FakeState, InteractionState } from './state.ts';
import type { FakeDiscordRoute, RecordedFile } from './types.ts';
import { isEmptyMessage, parseMessageBody } from './validation.ts';

export type Webhooks = ReturnType<typeof createWebhooks>;

export function createWebhooks(shared: FakeState, { newMessage, applyMessageBody }: Messages) {
  const { applicationId, interactionsByToken, messages, edits, followUps } = shared;

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
          throw DiscordError.emptyMessage();
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
        throw DiscordError.emptyMessage();
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
      throw DiscordError.emptyMessage();
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

  return { handleWebhook };
}
