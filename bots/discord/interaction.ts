/**
 * A Discord interaction payload, as the gateway's INTERACTION_CREATE and the HTTP interactions endpoint both
 * carry it, read with zod into what the bot acts on. The same reader serves both delivery modes, so the bot
 * behaves the same whichever one the application uses.
 * https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-object
 */
import { ComponentType, InteractionType } from 'discord.js';
import { z } from 'zod';

const Snowflake = z.string().regex(/^\d{15,22}$/);
const DISCORD_EPOCH = 1_420_070_400_000n;

const Leaf = z.object({
  name: z.string().max(32),
  type: z.number().int(),
  value: z.union([z.string(), z.number(), z.boolean()]).optional(),
});
const Group = Leaf.extend({ options: z.array(Leaf).max(25).optional() });
const Top = Leaf.extend({ options: z.array(Group).max(25).optional() });
export type CommandOption = z.infer<typeof Top>;

const TextInputValue = z.object({ custom_id: z.string().max(100), value: z.string().max(4000).optional() });

const Payload = z.object({
  id: Snowflake,
  application_id: Snowflake,
  type: z.number().int(),
  token: z.string().min(20).max(500),
  guild_id: Snowflake.optional(),
  // A guild interaction names its user in `member`, a DM one in `user`.
  member: z
    .object({
      user: z.object({ id: Snowflake }),
      permissions: z
        .string()
        .regex(/^\d{1,30}$/)
        .optional(),
    })
    .optional(),
  channel_id: Snowflake.optional(),
  channel: z.object({ id: Snowflake }).optional(),
  user: z.object({ id: Snowflake }).optional(),
  data: z
    .object({
      name: z.string().max(32).optional(),
      options: z.array(Top).max(25).optional(),
      custom_id: z.string().max(100).optional(),
      component_type: z.number().int().optional(),
      /** A select menu's picks. */
      values: z.array(z.string().max(100)).max(25).optional(),
      /** A modal's fields: action rows of text inputs (or, in newer modals, labels holding one each). */
      components: z
        .array(
          z.object({
            components: z.array(TextInputValue).max(5).optional(),
            component: TextInputValue.optional(),
          }),
        )
        .max(5)
        .optional(),
    })
    .optional(),
});

export type InteractionKind =
  | { readonly kind: 'ping' }
  | { readonly kind: 'autocomplete' }
  | { readonly kind: 'command'; readonly name: string; readonly options: readonly CommandOption[] }
  | { readonly kind: 'button'; readonly customId: string }
  | { readonly kind: 'select'; readonly customId: string; readonly values: readonly string[] }
  /** A modal submission: its text inputs' values by custom_id. */
  | { readonly kind: 'modal'; readonly customId: string; readonly fields: ReadonlyMap<string, string> }
  /** Another component or a type newer than this code: answered with a private note. */
  | { readonly kind: 'other'; readonly type: number };

export interface DiscordInteraction {
  readonly id: string;
  readonly applicationId: string;
  /** A credential for 15 minutes: never logged. */
  readonly token: string;
  /** Absent only on a PING. */
  readonly userId: string | undefined;
  readonly guildId: string | null;
  readonly channelId: string | null;
  /** The member's permissions in the channel, overwrites included, as Discord signs them; null in a DM. */
  readonly memberPermissions: bigint | null;
  /** When Discord created it (epoch ms, from the snowflake): its 15-minute token counts from here. */
  readonly createdAt: number;
  readonly what: InteractionKind;
}

/** The interaction, or undefined when the payload lacks what every interaction has. */
export function readInteraction(raw: unknown): DiscordInteraction | undefined {
  const parsed = Payload.safeParse(raw);
  if (!parsed.success) return undefined;
  const p = parsed.data;
  return {
    id: p.id,
    applicationId: p.application_id,
    token: p.token,
    userId: p.member?.user.id ?? p.user?.id,
    guildId: p.guild_id ?? null,
    channelId: p.channel?.id ?? p.channel_id ?? null,
    memberPermissions: p.member?.permissions === undefined ? null : BigInt(p.member.permissions),
    createdAt: Number((BigInt(p.id) >> 22n) + DISCORD_EPOCH),
    what: kindOf(p),
  };
}

function kindOf(p: z.infer<typeof Payload>): InteractionKind {
  switch (p.type) {
    case InteractionType.Ping:
      return { kind: 'ping' };
    case InteractionType.ApplicationCommandAutocomplete:
      return { kind: 'autocomplete' };
    case InteractionType.ApplicationCommand:
      return { kind: 'command', name: p.data?.name ?? '', options: p.data?.options ?? [] };
    case InteractionType.MessageComponent:
      if (p.data?.custom_id === undefined) return { kind: 'other', type: p.type };
      if (p.data.component_type === ComponentType.Button)
        return { kind: 'button', customId: p.data.custom_id };
      if (p.data.component_type === ComponentType.StringSelect)
        return { kind: 'select', customId: p.data.custom_id, values: p.data.values ?? [] };
      return { kind: 'other', type: p.type };
    case InteractionType.ModalSubmit: {
      if (p.data?.custom_id === undefined) return { kind: 'other', type: p.type };
      const fields = new Map<string, string>();
      for (const row of p.data.components ?? [])
        for (const input of [...(row.components ?? []), ...(row.component ? [row.component] : [])])
          fields.set(input.custom_id, input.value ?? '');
      return { kind: 'modal', customId: p.data.custom_id, fields };
    }
    default:
      return { kind: 'other', type: p.type };
  }
}

/** A command option's value by name, of the type the command declares (anything else reads as absent). */
export function optionValue<T extends 'string' | 'number' | 'boolean'>(
  options: readonly { name: string; value?: string | number | boolean | undefined }[],
  name: string,
  type: T,
): (T extends 'string' ? string : T extends 'number' ? number : boolean) | undefined {
  const value = options.find((o) => o.name === name)?.value;
  return typeof value === type ? (value as never) : undefined;
}
