/** Who and where: users, guild and DM channels, and the place (guild member or DM user) of an interaction. */
import {
  type APIInteractionGuildMember,
  type APIPartialInteractionGuild,
  type APIUser,
  ApplicationIntegrationType,
  ChannelType,
  InteractionContextType,
  Locale,
} from 'discord.js';
import { APP_PERMISSIONS, MEMBER_PERMISSIONS, NO_FLAGS } from './flags.ts';
import { FAKE_USER_ID, snowflake } from './ids.ts';
import type { FakeState } from './state.ts';

export type Places = ReturnType<typeof createPlaces>;

export function createPlaces(shared: FakeState) {
  const { applicationId, guildIds, guildChannels, dmChannels, knownChannels } = shared;

  const userObject = (id: string): APIUser => ({
    id,
    username: id === FAKE_USER_ID ? 'mood_tester' : `user_${id.slice(-6)}`,
    discriminator: '0',
    global_name: id === FAKE_USER_ID ? 'Mood Tester' : null,
    avatar: null,
  });

  const channelId = (guildId: string): string => {
    const id = guildChannels.get(guildId);
    if (id === undefined) throw new Error(`fake Discord: unknown guild ${guildId}`);
    return id;
  };

  const dmChannelId = (userId: string): string => {
    let id = dmChannels.get(userId);
    if (id === undefined) {
      id = snowflake();
      dmChannels.set(userId, id);
    }
    return id;
  };

  /** Where an interaction happens: a guild (member) or a DM with the bot (user). */
  function place(
    input: {
      readonly userId?: string;
      readonly guildId?: string | null;
      readonly channelId?: string;
      readonly memberPermissions?: string;
      readonly appPermissions?: string;
      readonly locale?: Locale;
    },
    token: string,
  ) {
    const user = userObject(input.userId ?? FAKE_USER_ID);
    const guildId = input.guildId === undefined ? (guildIds[0] ?? null) : input.guildId;
    const appPermissions = input.appPermissions ?? APP_PERMISSIONS;
    const common = {
      application_id: applicationId,
      version: 1 as const,
      app_permissions: appPermissions,
      locale: input.locale ?? Locale.EnglishUS,
      entitlements: [],
      attachment_size_limit: 10 * 1024 * 1024,
      token,
    };
    if (guildId === null) {
      const channel = input.channelId ?? dmChannelId(user.id);
      knownChannels.add(channel);
      return {
        ...common,
        user,
        channel_id: channel,
        channel: {
          id: channel,
          type: ChannelType.DM as const,
          last_message_id: null,
          flags: NO_FLAGS,
          recipients: [user],
        },
        authorizing_integration_owners: { [ApplicationIntegrationType.GuildInstall]: '0' },
        context: InteractionContextType.BotDM,
      };
    }
    const channel = input.channelId ?? guildChannels.get(guildId) ?? snowflake();
    knownChannels.add(channel);
    const member: APIInteractionGuildMember = {
      user,
      roles: [],
      permissions: input.memberPermissions ?? MEMBER_PERMISSIONS,
      joined_at: new Date(Date.now() - 86_400_000).toISOString(),
      deaf: false,
      mute: false,
      flags: NO_FLAGS,
      nick: null,
      avatar: null,
      banner: null,
      premium_since: null,
      pending: false,
      communication_disabled_until: null,
    };
    const guild: APIPartialInteractionGuild = { id: guildId, locale: Locale.EnglishUS, features: [] };
    return {
      ...common,
      guild_id: guildId,
      guild,
      guild_locale: Locale.EnglishUS,
      member,
      channel_id: channel,
      channel: {
        id: channel,
        type: ChannelType.GuildText as const,
        guild_id: guildId,
        name: 'general',
        position: 0,
        permission_overwrites: [],
        nsfw: false,
        parent_id: null,
        topic: null,
        last_message_id: null,
        rate_limit_per_user: 0,
        flags: NO_FLAGS,
      },
      authorizing_integration_owners: { [ApplicationIntegrationType.GuildInstall]: guildId },
      context: InteractionContextType.Guild,
    };
  }

  return { userObject, channelId, place };
}
