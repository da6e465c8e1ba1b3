/**
 * The workspace's people as `users.info` tells of them (https://docs.slack.dev/reference/methods/users.info):
 * only users a test registered exist, so a role check cannot pass by accident.
 */
import { z } from 'zod';
import type { SlackUserRef } from './views.ts';
import type { Workspace } from './workspace.ts';

export interface FakeUser {
  readonly id: string;
  /** @defaultValue the id, lower-cased */
  readonly name?: string;
  /** @defaultValue the fake's team */
  readonly teamId?: string;
  /** @defaultValue true for an owner, as Slack's owners are admins too */
  readonly isAdmin?: boolean;
  /** @defaultValue true for the primary owner */
  readonly isOwner?: boolean;
  readonly isPrimaryOwner?: boolean;
  readonly isBot?: boolean;
  /** A deactivated account: users.info still answers it, with `deleted: true`. */
  readonly deleted?: boolean;
}

/** The user object of `users.info`, as far as the fake fills it. */
export interface SlackUser {
  readonly id: string;
  readonly team_id: string;
  readonly name: string;
  readonly real_name: string;
  readonly deleted: boolean;
  readonly is_admin: boolean;
  readonly is_owner: boolean;
  readonly is_primary_owner: boolean;
  readonly is_restricted: boolean;
  readonly is_ultra_restricted: boolean;
  readonly is_bot: boolean;
  readonly is_app_user: boolean;
  readonly tz: string;
  readonly tz_label: string;
  readonly tz_offset: number;
  readonly updated: number;
  readonly profile: {
    readonly real_name: string;
    readonly display_name: string;
    readonly real_name_normalized: string;
    readonly display_name_normalized: string;
    readonly team: string;
  };
}

const InfoArgs = z.object({ user: z.string().optional() });

export function createUserDirectory(workspace: Workspace) {
  const users = new Map<string, SlackUser>();
  const nameOf = (id: string) => users.get(id)?.name ?? id.toLowerCase();

  return {
    add(user: FakeUser): void {
      const name = user.name ?? user.id.toLowerCase();
      const teamId = user.teamId ?? workspace.teamId;
      const isOwner = user.isOwner ?? user.isPrimaryOwner ?? false;
      users.set(user.id, {
        id: user.id,
        team_id: teamId,
        name,
        real_name: name,
        deleted: user.deleted ?? false,
        is_admin: user.isAdmin ?? isOwner,
        is_owner: isOwner,
        is_primary_owner: user.isPrimaryOwner ?? false,
        is_restricted: false,
        is_ultra_restricted: false,
        is_bot: user.isBot ?? false,
        is_app_user: false,
        tz: 'Etc/UTC',
        tz_label: 'Coordinated Universal Time',
        tz_offset: 0,
        updated: Math.floor(Date.now() / 1000),
        profile: {
          real_name: name,
          display_name: name,
          real_name_normalized: name,
          display_name_normalized: name,
          team: teamId,
        },
      });
    },

    info(body: Record<string, unknown>): Record<string, unknown> {
      const args = InfoArgs.safeParse(body);
      const user = args.success && args.data.user !== undefined ? users.get(args.data.user) : undefined;
      return user === undefined ? { ok: false, error: 'user_not_found' } : { ok: true, user };
    },

    /** How interaction payloads name a user (`user: { id, username, name, team_id }`). */
    ref(id: string): SlackUserRef {
      const name = nameOf(id);
      return { id, username: name, name, team_id: users.get(id)?.team_id ?? workspace.teamId };
    },
  };
}
