/** The GUILD_CREATE a bot receives for each of its guilds: one text channel, the bot as the only member. */
import { type APIGuildMember, ChannelType, type GatewayGuildCreateDispatchData, Locale } from 'discord.js';
import { MEMBER_PERMISSIONS, NO_FLAGS } from './flags.ts';
import { FAKE_USER_ID } from './ids.ts';
import type { Places } from './places.ts';
import type { FakeState } from './state.ts';

export function createGuildObject(shared: FakeState, places: Places) {
  const { botUser } = shared;
  const { channelId } = places;

  function guildObject(guildId: string): GatewayGuildCreateDispatchData {
    const now = new Date().toISOString();
    const botMember: APIGuildMember = {
      user: botUser,
      roles: [],
      joined_at: now,
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
    return {
      id: guildId,
      name: `Guild ${guildId.slice(-4)}`,
      icon: null,
      splash: null,
      discovery_splash: null,
      banner: null,
      description: null,
      owner_id: FAKE_USER_ID,
      afk_channel_id: null,
      afk_timeout: 300,
      verification_level: 0,
      default_message_notifications: 1,
      explicit_content_filter: 0,
      roles: [
        {
          id: guildId,
          name: '@everyone',
          color: 0,
          colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
          hoist: false,
          position: 0,
          permissions: MEMBER_PERMISSIONS,
          managed: false,
          mentionable: false,
          flags: NO_FLAGS,
        },
      ],
      emojis: [],
      stickers: [],
      features: [],
      mfa_level: 0,
      application_id: null,
      system_channel_id: channelId(guildId),
      system_channel_flags: NO_FLAGS,
      rules_channel_id: null,
      public_updates_channel_id: null,
      safety_alerts_channel_id: null,
      vanity_url_code: null,
      premium_tier: 0,
      premium_subscription_count: 0,
      preferred_locale: Locale.EnglishUS,
      nsfw_level: 0,
      premium_progress_bar_enabled: false,
      hub_type: null,
      incidents_data: null,
      max_members: 500_000,
      max_video_channel_users: 25,
      joined_at: now,
      large: false,
      unavailable: false,
      member_count: 2,
      voice_states: [],
      members: [botMember],
      channels: [
        {
          id: channelId(guildId),
          type: ChannelType.GuildText,
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
      ],
      threads: [],
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
    };
  }

  return guildObject;
}
