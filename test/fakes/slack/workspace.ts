/** Who the fake Slack says it is, and the ids it makes up, shaped like Slack's. */
import { randomBytes, randomInt } from 'node:crypto';

export interface Workspace {
  readonly teamId: string;
  readonly teamDomain: string;
  readonly appId: string;
  /** The bot user's id (`auth.test`'s `user_id`): the author of everything the bot token posts. */
  readonly botUserId: string;
  readonly botId: string;
}

/** The user test/support/slack.ts's commands and clicks come from, when a helper is not told another. */
export const DEFAULT_USER = 'U0ALICE';

/** An id like Slack's object ids: a type letter and upper-case alphanumerics (`V0123ABCDEF`). */
export function slackId(prefix: string): string {
  return `${prefix}${randomBytes(8).toString('hex').toUpperCase().slice(0, 10)}`;
}

/** Shaped like Slack's trigger ids: `13345224609.738474920.8088930838d88f008e0`. */
export function newTriggerId(): string {
  return `${randomInt(1e9, 1e10)}.${randomInt(1e8, 1e9)}.${randomBytes(16).toString('hex')}`;
}

/** A view's `hash`, shaped like Slack's `1569362015.55b5e41b`: it changes with every version of the view. */
export function newHash(): string {
  return `${Math.floor(Date.now() / 1000)}.${randomBytes(4).toString('hex')}`;
}
