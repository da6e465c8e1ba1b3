/** The messages interactions create and edit: a new one with its interaction metadata, and a body applied. */
import {
  type APIAttachment,
  type APIEmbed,
  type APIMessage,
  type APIMessageInteractionMetadata,
  EmbedType,
  InteractionType,
  type MessageType,
} from 'discord.js';
import { FAKE_USER_ID, snowflake } from './ids.ts';
import type { Places } from './places.ts';
import type { FakeState } from './state.ts';
import type { FakeInteraction, RecordedFile } from './types.ts';
import type { MessageBody } from './validation.ts';

export type Messages = ReturnType<typeof createMessages>;

export function createMessages(shared: FakeState, places: Places) {
  const { applicationId, botUser, messages, modalTriggers } = shared;
  const { userObject } = places;

  /** What a message says of the interaction it answers, as Discord fills `interaction_metadata`. */
  function metadataOf(interaction: FakeInteraction): APIMessageInteractionMetadata | undefined {
    const user = interaction.member?.user ?? interaction.user ?? userObject(FAKE_USER_ID);
    if (interaction.type === InteractionType.ModalSubmit) {
      // A modal submission names the interaction that opened the modal (a command or a component).
      const trigger = modalTriggers.get(interaction.id);
      const triggering = trigger === undefined ? undefined : metadataOf(trigger);
      if (triggering === undefined || triggering.type === InteractionType.ModalSubmit) return undefined;
      return {
        id: interaction.id,
        type: InteractionType.ModalSubmit,
        user,
        authorizing_integration_owners: interaction.authorizing_integration_owners,
        triggering_interaction_metadata: triggering,
      };
    }
    return interaction.type === InteractionType.ApplicationCommand
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

  function newMessage(fields: {
    channelId: string;
    guildId?: string | undefined;
    type: MessageType;
    flags: number;
    interaction?: FakeInteraction;
    /** Sent by the bot user itself (a channel message), not through an interaction's webhook. */
    byBot?: boolean;
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
      ...(fields.byBot === true ? {} : { webhook_id: applicationId, application_id: applicationId }),
      position: 0,
    };
    const metadata = fields.interaction === undefined ? undefined : metadataOf(fields.interaction);
    if (metadata !== undefined) message.interaction_metadata = metadata;
    messages.set(message.id, message);
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

  return { newMessage, applyMessageBody };
}
