/**
 * Answers a `/mood` job on Slack. The command's `response_url` needs no token and can post ephemerally, so it
 * goes first; when Slack says it is spent or expired (30 minutes, 5 uses), or it is not a Slack URL at all,
 * the bot token posts instead (`chat.postMessage`, or `chat.postEphemeral` for a private playlist).
 */
import { webApi } from '@slack/bolt';
import type { z } from 'zod';
import type { SlackTarget } from '../../workers/jobs.ts';
import type { Responder } from '../../workers/responder.ts';
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

class ResponseUrlError extends Error {
  constructor(readonly status: number) {
    super(`response_url answered HTTP ${status}`);
    this.name = 'ResponseUrlError';
  }
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

  /** True when posted; false when the URL is spent or not Slack's, so the bot token should post. */
  const viaResponseUrl = async (
    target: Target,
    message: SlackMessage,
    ephemeral: boolean,
  ): Promise<boolean> => {
    if (!isSlackResponseUrl(new URL(target.responseUrl))) {
      log.warn(where(target), 'response_url is not a Slack URL; answering with the bot token');
      return false;
    }
    const response = await fetch(target.responseUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({
        ...message,
        response_type: ephemeral ? 'ephemeral' : 'in_channel',
        // A private answer replaces the message it answers ("brewing…", or the private playlist whose button
        // was pressed). Slack cannot turn an ephemeral message into a channel message, so a public playlist is
        // a new message and the requester's "brewing…" note stays with them only.
        replace_original: target.ephemeral,
      }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const reason = (await response.text()).trim().slice(0, 100);
    if (response.ok) return true;
    if (response.status === 404 || response.status === 410 || SPENT.test(reason)) {
      log.info({ ...where(target), status: response.status, reason }, 'response_url spent or expired');
      return false;
    }
    // 429 and 5xx are worth the job's retry; a 400 (e.g. invalid_blocks) is a bug the logs must show.
    log.warn({ ...where(target), status: response.status, reason }, 'response_url refused the message');
    throw new ResponseUrlError(response.status);
  };

  const viaBotToken = async (target: Target, message: SlackMessage, ephemeral: boolean): Promise<void> => {
    try {
      if (ephemeral) {
        await client.chat.postEphemeral({ channel: target.channelId, user: target.userId, ...message });
      } else {
        await client.chat.postMessage({ channel: target.channelId, unfurl_links: false, ...message });
      }
    } catch (error) {
      // not_in_channel, channel_not_found, invalid_auth…: a retry cannot fix these, so the reply is dropped.
      if (error instanceof webApi.WebAPIPlatformError) {
        log.warn(
          { ...where(target), error: error.data.error },
          'Slack refused the fallback post; reply dropped',
        );
        return;
      }
      throw error;
    }
  };

  const post = async (target: Target, message: SlackMessage, ephemeral: boolean) => {
    if (!(await viaResponseUrl(target, message, ephemeral))) await viaBotToken(target, message, ephemeral);
  };

  return {
    /**
     * The response_url window. The bot token could post later, but a playlist turning up more than half an hour
     * after "brewing…" (a backlog after an outage) is out of context; the fallback is for a URL that is spent or
     * broken inside the window, or one that expires while the job runs.
     */
    deadline: (_target, requestedAt) => requestedAt + RESPONSE_URL_TTL_MS,
    deliver: (target, { playlist, playlistId }) =>
      post(target, playlistMessage(playlist, playlistId), target.ephemeral),
    // An error is news for the requester only, never for the whole channel.
    fail: (target, message) => post(target, failureMessage(message), true),
  };
}
