/**
 * What Slack itself does when it calls an app in HTTP mode: form-encoded slash commands and interaction
 * payloads, signed with the app's signing secret (`v0=` HMAC-SHA256 of `v0:{timestamp}:{body}`).
 */
import { createHmac, randomBytes, randomInt } from 'node:crypto';

export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export function signedHeaders(
  secret: string,
  body: string,
  timestamp = Math.floor(Date.now() / 1000),
): Record<string, string> {
  return {
    'content-type': 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': slackSignature(secret, timestamp, body),
  };
}

/** Shaped like Slack's: `13345224609.738474920.8088930838d88f008e0`. */
export function triggerId(): string {
  return `${randomInt(1e9, 1e10)}.${randomInt(1e8, 1e9)}.${randomBytes(10).toString('hex')}`;
}

/**
 * What Slack sends for text a user typed: `&`, `<` and `>` as HTML entities (Slack's own markup, a mention
 * picked from the menu or a link, arrives with real angle brackets). `text` in the bodies below is sent as
 * given, so a test passes typed text through this, and Slack markup as it is.
 * https://docs.slack.dev/messaging/formatting-message-text#escaping
 */
export function slackEncode(typed: string): string {
  return typed.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export interface CommandFields {
  /** As Slack sends it: see {@link slackEncode}. */
  readonly text: string;
  readonly responseUrl: string;
  readonly triggerId?: string;
  readonly userId?: string;
  readonly teamId?: string;
  readonly channelId?: string;
  readonly command?: string;
}

/** A slash command body exactly as Slack form-encodes it. */
export function slashCommandBody(fields: CommandFields): string {
  return new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: fields.teamId ?? 'T0FAKE',
    team_domain: 'fake',
    channel_id: fields.channelId ?? 'C0MUSIC',
    channel_name: 'music',
    user_id: fields.userId ?? 'U0ALICE',
    user_name: 'alice',
    command: fields.command ?? '/mood',
    text: fields.text,
    api_app_id: 'A0FAKE',
    is_enterprise_install: 'false',
    response_url: fields.responseUrl,
    trigger_id: fields.triggerId ?? triggerId(),
  }).toString();
}

export interface ButtonFields {
  readonly actionId: string;
  readonly value: string;
  readonly responseUrl: string;
  readonly triggerId?: string;
  readonly userId?: string;
  readonly teamId?: string;
  readonly channelId?: string;
}

/** The `block_actions` payload Slack sends when a button is clicked: `payload=<json>`, form-encoded. */
export function blockActionPayload(fields: ButtonFields): Record<string, unknown> {
  const teamId = fields.teamId ?? 'T0FAKE';
  const userId = fields.userId ?? 'U0ALICE';
  return {
    type: 'block_actions',
    user: { id: userId, username: 'alice', name: 'alice', team_id: teamId },
    api_app_id: 'A0FAKE',
    token: 'deprecated-verification-token',
    container: {
      type: 'message',
      message_ts: '1700000000.000100',
      channel_id: fields.channelId ?? 'C0MUSIC',
    },
    trigger_id: fields.triggerId ?? triggerId(),
    team: { id: teamId, domain: 'fake' },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: fields.channelId ?? 'C0MUSIC', name: 'music' },
    response_url: fields.responseUrl,
    actions: [
      {
        action_id: fields.actionId,
        block_id: 'b1',
        text: { type: 'plain_text', text: 'Another take' },
        value: fields.value,
        type: 'button',
        action_ts: `${Date.now() / 1000}`,
      },
    ],
  };
}

export function blockActionBody(fields: ButtonFields): string {
  return new URLSearchParams({ payload: JSON.stringify(blockActionPayload(fields)) }).toString();
}
