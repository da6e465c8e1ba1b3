/**
 * Answers a `/mood` job on Slack. The command's `response_url` needs no token and can post ephemerally, so it
 * goes first; when Slack says it is spent or expired (30 minutes, 5 uses), or it is not a Slack URL at all,
 * the bot token posts instead (`chat.postMessage`, or `chat.postEphemeral` for a private playlist). A reply
 * Slack refuses both ways is not delivered, and the requester hears why in a direct message.
 */
import { webApi } from '@slack/bolt';
import type { z } from 'zod';
import type { SlackTarget } from '../../workers/jobs.ts';
import { ReplyRefused, type Responder } from '../../workers/responder.ts';
import { failureMessage, playlistMessage, type SlackMessage } from './render.ts';

type Target = z.infer<typeof SlackTarget>;

/** Slack accepts posts to a response_url for 30 minutes after the interaction. */
export const RESPONSE_URL_TTL_MS = 30 * 60_000;
/** Slack's answers for a response_url that can no longer be used (HTTP 404, or the error text). */
const SPENT = /^(expired_url|used_url|invalid_url|url_not_found)$/;

export interface SlackResponderOptions {
  /** A Web API client holding the bot token, for the fallback. */
  readonly client: webApi.WebClient;
  readonly log: {
    info(obj: object, msg: string): void;
    warn(obj: object, msg: string): void;
  };
  /**
   * Which response_urls the worker will POST to. A job comes from Redis, so the URL is checked before the
   * worker sends anything to it; anything else is answered through the bot token.
   * @defaultValue https URLs on hooks.slack.com
   */
  readonly isSlackResponseUrl?: (url: URL) => boolean;
  /** @defaultValue 10 000 ms */
  readonly timeoutMs?: number;
}

export const isHooksSlackUrl = (url: URL): boolean =>
  url.protocol === 'https:' && url.hostname === 'hooks.slack.com';

/** What the requester is told in a direct message when Slack will not take the reply in the channel. */
export const UNDELIVERED = {
  playlist: (reason: string) =>
    `I brewed your playlist but could not post it in that conversation (Slack said \`${reason}\`). ` +
    'Invite me there with `/invite @Sonic Mood`, or ask again with `private` at the end.',
} as const;

/** Errors a `fetch` raises before anything reached the other side: nothing can have been posted. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

function notSent(error: unknown): boolean {
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  return typeof cause?.code === 'string' && NOT_SENT.has(cause.code);
}

export function createSlackResponder(options: SlackResponderOptions): Responder<Target> {
  const { client, log } = options;
  const isSlackResponseUrl = options.isSlackResponseUrl ?? isHooksSlackUrl;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const where = (target: Target) => ({
    team: target.teamId,
    channel: target.channelId,
    ephemeral: target.ephemeral,
  });

  /**
   * True when posted; false when the URL is spent or not Slack's, so the bot token should post. Rejects with
   * ReplyRefused when Slack answered with an error; a timeout rejects as it is (the post may have landed).
   */
  const viaResponseUrl = async (
    target: Target,
    message: SlackMessage,
    ephemeral: boolean,
    replace: boolean,
  ): Promise<boolean> => {
    if (!isSlackResponseUrl(new URL(target.responseUrl))) {
      log.warn(where(target), 'response_url is not a Slack URL; answering with the bot token');
      return false;
    }
    let response: Response;
    try {
      response = await fetch(target.responseUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify({
          ...message,
          response_type: ephemeral ? 'ephemeral' : 'in_channel',
          replace_original: replace,
        }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      if (notSent(error)) throw new ReplyRefused('response_url unreachable', false, { cause: error });
      throw error;
    }
    const reason = (await response.text()).trim().slice(0, 100);
    if (response.ok) return true;
    if (response.status === 404 || response.status === 410 || SPENT.test(reason)) {
      log.info({ ...where(target), status: response.status, reason }, 'response_url spent or expired');
      return false;
    }
    // 429 and 5xx are worth the job's retry; a 400 (e.g. invalid_blocks) is a bug the logs must show.
    log.warn({ ...where(target), status: response.status, reason }, 'response_url refused the message');
    throw new ReplyRefused(`response_url answered HTTP ${response.status}`, false);
  };

  /** Posts with the bot token; resolves with Slack's error code when Slack refused (not_in_channel…). */
  const viaBotToken = async (
    target: Target,
    message: SlackMessage,
    ephemeral: boolean,
  ): Promise<string | undefined> => {
    try {
      if (ephemeral) {
        await client.chat.postEphemeral({ channel: target.channelId, user: target.userId, ...message });
      } else {
        await client.chat.postMessage({ channel: target.channelId, unfurl_links: false, ...message });
      }
      return undefined;
    } catch (error) {
      if (error instanceof webApi.WebAPIPlatformError) return error.data.error;
      throw error;
    }
  };

  /** chat.update with the bot token; resolves with Slack's error code when Slack refused. */
  const viaUpdate = async (
    target: Target,
    ts: string,
    message: SlackMessage,
  ): Promise<string | undefined> => {
    try {
      await client.chat.update({ channel: target.channelId, ts, ...message });
      return undefined;
    } catch (error) {
      if (error instanceof webApi.WebAPIPlatformError) return error.data.error;
      throw error;
    }
  };

  /** A direct message from the app (a user id as the channel: the app's Messages tab), best effort. */
  const tellInPrivate = async (target: Target, text: string) => {
    try {
      await client.chat.postMessage({ channel: target.userId, text, unfurl_links: false });
    } catch (error) {
      const code = error instanceof webApi.WebAPIPlatformError ? error.data.error : String(error);
      log.warn({ ...where(target), error: code }, 'the requester could not be told either');
    }
  };

  /**
   * The response_url, else the bot token. When Slack refuses both, the requester gets the `notice` for Slack's
   * reason in a direct message, and the reply is a refusal for good: a retry cannot let the bot in.
   */
  const post = async (
    target: Target,
    message: SlackMessage,
    { ephemeral, replace }: { ephemeral: boolean; replace: boolean },
    notice: (reason: string) => string,
  ) => {
    if (await viaResponseUrl(target, message, ephemeral, replace)) return;
    // A spent response_url: a public playlist being edited is updated by its ts (an ephemeral one cannot be).
    const refused =
      replace && target.update && !target.ephemeral
        ? await viaUpdate(target, target.update.messageTs, message)
        : await viaBotToken(target, message, ephemeral);
    if (refused === undefined) return;
    // not_in_channel, channel_not_found, invalid_auth…: nothing reached the conversation.
    log.warn({ ...where(target), error: refused }, 'Slack refused the fallback post; reply not delivered');
    await tellInPrivate(target, notice(refused.replace(/[^\w.-]/g, '')));
    throw new ReplyRefused(`Slack refused the post (${refused})`, true);
  };

  return {
    /**
     * The response_url window. The bot token could post later, but a playlist turning up more than half an hour
     * after "brewing…" (a backlog after an outage) is out of context; the fallback is for a URL that is spent or
     * broken inside the window, or one that expires while the job runs.
     */
    deadline: (_target, requestedAt) => requestedAt + RESPONSE_URL_TTL_MS,
    // A private answer replaces the message it answers ("brewing…", or the private playlist whose button was
    // pressed), and a refine or a swap replaces the playlist it edits. Slack cannot turn an ephemeral message
    // into a channel message, so a new public playlist is a new message and "brewing…" stays with the requester.
    deliver: (target, { playlist, playlistId }) =>
      post(
        target,
        playlistMessage(playlist, playlistId),
        { ephemeral: target.ephemeral, replace: target.ephemeral || target.update !== undefined },
        UNDELIVERED.playlist,
      ),
    // An error is news for the requester only, never for the whole channel; it never replaces a playlist.
    fail: (target, message) => {
      const text = failureMessage(message);
      return post(
        target,
        text,
        // A command's private "brewing…" note is replaced; a playlist a control was pressed on never is.
        { ephemeral: true, replace: target.ephemeral && !target.component && target.update === undefined },
        () => text.text,
      );
    },
    // A public playlist is a new channel message each time: `replace_original` on a command's response_url
    // does not replace an earlier in-channel post, and chat.update needs the ts a lost answer carried. A
    // private one replaces the original (a duplicate would be seen by the requester alone anyway).
    // An edit (refine, swap) replaces the same message however often it is posted.
    repostDuplicates: (target) => !target.ephemeral && target.update === undefined,
  };
}
