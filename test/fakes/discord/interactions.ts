/**
 * The interactions a test sends: a slash command, a button press, a string select pick, a modal submission,
 * each with a fresh token and registered so that its callbacks and webhook are recognised.
 */
import {
  type APIApplicationCommandInteractionDataOption,
  type APIApplicationCommandInteractionDataSubcommandOption,
  type APIChatInputApplicationCommandInteraction,
  type APIMessage,
  type APIMessageComponentButtonInteraction,
  type APIModalSubmission,
  type APIStringSelectComponent,
  type APITextInputComponent,
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ComponentType,
  InteractionType,
  MessageType,
} from 'discord.js';
import { newToken, snowflake } from './ids.ts';
import type { Messages } from './messages.ts';
import type { Places } from './places.ts';
import { length } from './problems.ts';
import type { FakeState, InteractionState } from './state.ts';
import type {
  ButtonPressOptions,
  ChatInputOptions,
  FakeInteraction,
  FakeModalSubmitInteraction,
  FakeStringSelectInteraction,
  ModalSubmitOptions,
  StringSelectOptions,
} from './types.ts';

export type Interactions = ReturnType<typeof createInteractions>;

export function createInteractions(
  shared: FakeState,
  places: Places,
  { newMessage }: Messages,
  commandId: (name: string, guildId: string | null) => string,
) {
  const { interactionsById, interactionsByToken, messages, modals, modalTriggers } = shared;
  const { place } = places;

  function register(interaction: FakeInteraction): void {
    const state: InteractionState = {
      interaction,
      deadlineFrom: Date.now(),
      dispatched: false,
      acknowledged: false,
      expired: false,
      originalId: null,
      messageIds: new Set(),
    };
    interactionsById.set(interaction.id, state);
    interactionsByToken.set(interaction.token, state);
  }

  function chatInput(input: ChatInputOptions): APIChatInputApplicationCommandInteraction {
    const id = snowflake();
    const where = place(input, newToken(id));
    const guildId = 'guild_id' in where ? where.guild_id : null;
    const basic = [...(input.options ?? [])];
    let options: APIApplicationCommandInteractionDataOption[] = basic;
    if (input.subcommand !== undefined) {
      const subcommand: APIApplicationCommandInteractionDataSubcommandOption = {
        name: input.subcommand,
        type: ApplicationCommandOptionType.Subcommand,
        options: basic,
      };
      options =
        input.subcommandGroup === undefined
          ? [subcommand]
          : [
              {
                name: input.subcommandGroup,
                type: ApplicationCommandOptionType.SubcommandGroup,
                options: [subcommand],
              },
            ];
    }
    const interaction: APIChatInputApplicationCommandInteraction = {
      ...where,
      id,
      type: InteractionType.ApplicationCommand,
      data: {
        id: commandId(input.name, guildId),
        name: input.name,
        type: ApplicationCommandType.ChatInput,
        options,
        ...(guildId === null ? {} : { guild_id: guildId }),
      },
    };
    register(interaction);
    return interaction;
  }

  /** A message for a component to be on: under the id the test gave, when it gave one. */
  function madeUpMessage(channelId: string, messageId: string | undefined): APIMessage {
    const message = newMessage({ channelId, type: MessageType.Default, flags: 0 });
    if (messageId !== undefined) {
      messages.delete(message.id);
      message.id = messageId;
      messages.set(message.id, message);
    }
    return message;
  }

  function buttonPress(input: ButtonPressOptions): APIMessageComponentButtonInteraction {
    const id = snowflake();
    const where = place(input, newToken(id));
    let message = input.messageId === undefined ? undefined : messages.get(input.messageId);
    if (message === undefined) {
      message = madeUpMessage(where.channel_id, input.messageId);
      message.content = 'A message with a button';
      message.components = [
        {
          type: ComponentType.ActionRow,
          components: [{ type: ComponentType.Button, style: 1, label: 'Press', custom_id: input.customId }],
        },
      ];
    }
    const interaction: APIMessageComponentButtonInteraction = {
      ...where,
      id,
      type: InteractionType.MessageComponent,
      data: { custom_id: input.customId, component_type: ComponentType.Button },
      message: structuredClone(message),
    };
    register(interaction);
    return interaction;
  }

  function stringSelect(input: StringSelectOptions): FakeStringSelectInteraction {
    const id = snowflake();
    const where = place(input, newToken(id));
    let message = input.messageId === undefined ? undefined : messages.get(input.messageId);
    if (message === undefined) {
      message = madeUpMessage(where.channel_id, input.messageId);
      message.content = 'A message with a select menu';
      const options = input.values.length > 0 ? input.values : ['none'];
      message.components = [
        {
          type: ComponentType.ActionRow,
          components: [
            {
              type: ComponentType.StringSelect,
              custom_id: input.customId,
              options: options.map((value) => ({ label: value, value })),
              min_values: input.values.length,
              max_values: Math.max(1, input.values.length),
            },
          ],
        },
      ];
    }
    checkPick(message, input);
    const interaction: FakeStringSelectInteraction = {
      ...where,
      id,
      type: InteractionType.MessageComponent,
      data: {
        custom_id: input.customId,
        component_type: ComponentType.StringSelect,
        values: [...input.values],
      },
      message: structuredClone(message),
    };
    register(interaction);
    return interaction;
  }

  /** Discord only sends picks a user could make: options of an enabled menu, as many as it allows. */
  function checkPick(message: APIMessage, input: StringSelectOptions): void {
    const menu = (message.components ?? [])
      .flatMap((row) => (row.type === ComponentType.ActionRow ? row.components : []))
      .find(
        (c): c is APIStringSelectComponent =>
          c.type === ComponentType.StringSelect && c.custom_id === input.customId,
      );
    const where = `fake Discord: message ${message.id}`;
    if (menu === undefined) throw new Error(`${where} has no string select ${input.customId}`);
    if (menu.disabled === true) throw new Error(`${where}: the select ${input.customId} is disabled`);
    const offered = new Set(menu.options.map((option) => option.value));
    for (const value of input.values) {
      if (!offered.has(value))
        throw new Error(`${where}: the select ${input.customId} has no option ${value}`);
    }
    if (new Set(input.values).size !== input.values.length) {
      throw new Error(`${where}: an option cannot be picked twice`);
    }
    const [min, max] = [menu.min_values ?? 1, menu.max_values ?? 1];
    if (input.values.length < min || input.values.length > max) {
      throw new Error(`${where}: the select ${input.customId} takes ${min}–${max} values`);
    }
  }

  function modalSubmit(input: ModalSubmitOptions): FakeModalSubmitInteraction {
    const shown = modals.find(
      (m) => m.interactionId === input.modal.interactionId && m.customId === input.modal.customId,
    );
    const trigger = shown === undefined ? undefined : interactionsById.get(shown.interactionId)?.interaction;
    if (shown === undefined || trigger === undefined) {
      throw new Error(`fake Discord: the bot never showed a modal ${input.modal.customId}`);
    }
    const typed = input.values ?? {};
    for (const customId of Object.keys(typed)) {
      if (!shown.textInputs.some((textInput) => textInput.custom_id === customId)) {
        throw new Error(`fake Discord: the modal ${shown.customId} has no text input ${customId}`);
      }
    }
    const components: APIModalSubmission['components'] = shown.textInputs.map((textInput) => {
      const value = typed[textInput.custom_id] ?? textInput.value ?? '';
      const refusal = unsubmittable(textInput, value);
      if (refusal !== undefined) {
        throw new Error(
          `fake Discord: Discord would not submit ${shown.customId}: ${textInput.custom_id} ${refusal}`,
        );
      }
      return {
        type: ComponentType.ActionRow,
        components: [{ type: ComponentType.TextInput, custom_id: textInput.custom_id, value }],
      };
    });
    const id = snowflake();
    // The user who saw the modal submits it, where they saw it.
    const where = place(
      {
        userId: trigger.member?.user.id ?? trigger.user?.id,
        guildId: trigger.guild_id ?? null,
        channelId: trigger.channel_id,
        memberPermissions: trigger.member?.permissions,
        appPermissions: trigger.app_permissions,
        locale: trigger.locale,
      },
      newToken(id),
    );
    // A modal opened from a message component carries that message, as it stands now.
    const source =
      trigger.type === InteractionType.MessageComponent
        ? (messages.get(trigger.message.id) ?? trigger.message)
        : undefined;
    const interaction: FakeModalSubmitInteraction = {
      ...where,
      id,
      type: InteractionType.ModalSubmit,
      data: { custom_id: shown.customId, components },
      ...(source === undefined ? {} : { message: structuredClone(source) }),
    };
    modalTriggers.set(id, trigger);
    register(interaction);
    return interaction;
  }

  return { register, chatInput, buttonPress, stringSelect, modalSubmit };
}

/** Why Discord's client would not let a user submit this value, if it would not. */
function unsubmittable(textInput: APITextInputComponent, value: string): string | undefined {
  const size = length(value);
  if (size === 0) return textInput.required === false ? undefined : 'is required';
  const [min, max] = [textInput.min_length ?? 0, textInput.max_length ?? 4000];
  if (size > max) return `is longer than ${max}`;
  if (size < min) return `is shorter than ${min}`;
  return undefined;
}
