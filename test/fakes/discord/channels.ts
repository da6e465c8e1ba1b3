/**
 * Channel messages the bot posts itself: `POST /channels/{id}/messages` with `Authorization: Bot <token>`,
 * validated like every message, answered with the APIMessage; a test can take a channel away (403 Missing
 * Access, 404 Unknown Channel). https://discord.com/developers/docs/resources/message#create-message
 */
import type { IncomingMessage } from 'node:http';
import { MessageFlags, MessageType } from 'discord.js';
import { DiscordError } from './errors.ts';
import { JsonObject } from './json.ts';
import type { Messages } from './messages.ts';
import type { FakeState } from './state.ts';
import type { ChannelAccess, RecordedFile } from './types.ts';
import { isEmptyMessage, parseMessageBody } from './validation.ts';

export type Channels = ReturnType<typeof createChannels>;

export function createChannels(shared: FakeState, { newMessage, applyMessageBody }: Messages) {
  const { options, messages, knownChannels, channelAccess, channelMessages } = shared;

  /** The bot token the request carries; without one of its own the fake takes any as the application's. */
  function botToken(req: IncomingMessage): string {
    const authorization = req.headers.authorization ?? '';
    const token = authorization.startsWith('Bot ') ? authorization.slice('Bot '.length) : '';
    if (token === '' || (options.botToken !== '' && token !== options.botToken)) {
      throw DiscordError.unauthorized();
    }
    return token;
  }

  function handleChannelMessage(
    req: IncomingMessage,
    segments: readonly string[],
    parsed: { body: unknown; files: RecordedFile[] },
  ): { status: number; body?: unknown } {
    const token = botToken(req);
    const channelId = segments[1] ?? '';
    const access = channelAccess.get(channelId) ?? (knownChannels.has(channelId) ? 'ok' : 'unknown');
    if (access === 'unknown') throw DiscordError.unknownChannel();
    if (access === 'missing-access') throw DiscordError.missingAccess();
    const content = parseMessageBody(parsed.body);
    const message = newMessage({
      channelId,
      type: MessageType.Default,
      // Ephemeral exists only for interaction responses.
      flags: (content.flags ?? 0) & (MessageFlags.SuppressEmbeds | MessageFlags.SuppressNotifications),
      byBot: true,
    });
    applyMessageBody(message, content, parsed.files);
    if (isEmptyMessage(message)) {
      messages.delete(message.id);
      throw DiscordError.emptyMessage();
    }
    channelMessages.push({
      channelId,
      token,
      body: JsonObject.parse(parsed.body ?? {}),
      files: parsed.files,
      message: structuredClone(message),
      at: Date.now(),
    });
    return { status: 200, body: message };
  }

  function setChannelAccess(channelId: string, access: ChannelAccess): void {
    channelAccess.set(channelId, access);
  }

  return { handleChannelMessage, setChannelAccess };
}
