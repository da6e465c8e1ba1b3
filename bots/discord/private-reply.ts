/**
 * A message for the requester only, in place of a deferred reply. A private deferral ("thinking…" flagged
 * ephemeral) is simply edited. A public one cannot become ephemeral (the deferral fixes the visibility), and
 * Discord's first follow-up after a deferral edits that "thinking…" message, keeping its visibility: so the
 * public placeholder is deleted first, then an ephemeral follow-up (flags 64) is sent.
 * https://discord.com/developers/docs/interactions/receiving-and-responding#followup-messages
 */
import { DiscordAPIError, type REST } from '@discordjs/rest';
import { MessageFlags, RESTJSONErrorCodes, Routes } from 'discord.js';

export interface DeferredReply {
  readonly applicationId: string;
  /** The interaction token: it authorises the webhook calls, no bot token needed. */
  readonly token: string;
  /** Whether the deferral was ephemeral. */
  readonly ephemeral: boolean;
}

export interface PrivateMessage {
  readonly content: string;
  readonly allowed_mentions: { readonly parse: readonly [] };
}

export async function replyPrivately(
  rest: REST,
  reply: DeferredReply,
  message: PrivateMessage,
): Promise<void> {
  const original = Routes.webhookMessage(reply.applicationId, reply.token, '@original');
  if (reply.ephemeral) {
    await rest.patch(original, { body: { ...message, embeds: [], components: [] }, auth: false });
    return;
  }
  try {
    await rest.delete(original, { auth: false });
  } catch (error) {
    // Already gone (a retry after the delete went through): the follow-up below is what is left to do.
    if (!(error instanceof DiscordAPIError && error.code === RESTJSONErrorCodes.UnknownMessage)) throw error;
  }
  await rest.post(Routes.webhook(reply.applicationId, reply.token), {
    body: { ...message, flags: MessageFlags.Ephemeral },
    auth: false,
  });
}

/**
 * A message for the requester only, beside the one a component is on: after an update deferral (a refine, a
 * swap) there is no "thinking…" message, and the playlist itself must stay as it is.
 */
export async function privateFollowUp(
  rest: REST,
  reply: DeferredReply,
  message: PrivateMessage,
): Promise<void> {
  await rest.post(Routes.webhook(reply.applicationId, reply.token), {
    body: { ...message, flags: MessageFlags.Ephemeral },
    auth: false,
  });
}
