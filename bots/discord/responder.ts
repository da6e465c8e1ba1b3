/**
 * Answers a `/mood` job on Discord through the interaction webhook. No gateway and no bot token are needed:
 * the interaction token authorises the calls for 15 minutes. A playlist edits the deferred original response
 * (so a retried job replaces it rather than adding one): for a refine or a swap, whose deferral was an
 * update, that is the message the component was on. A failure goes to the requester only (private-reply.ts).
 */
import { DiscordAPIError, type REST } from '@discordjs/rest';
import { Routes } from 'discord.js';
import type { z } from 'zod';
import type { DiscordTarget } from '../../workers/jobs.ts';
import { ReplyRefused, type Responder } from '../../workers/responder.ts';
import { privateFollowUp, replyPrivately } from './private-reply.ts';
import { failureMessage, playlistMessage } from './render.ts';

type Target = z.infer<typeof DiscordTarget>;

/** Discord's interaction tokens live 15 minutes; keep a margin for the request itself. */
export const INTERACTION_TOKEN_TTL_MS = 15 * 60_000;
const MARGIN_MS = 30_000;
/**
 * Unknown Webhook / Unknown Interaction: the token expired or was never valid; Unknown Message: the deferred
 * reply was deleted (the bot's own "try again" note replaced it, or a moderator removed it). Retrying cannot help.
 */
const GONE = new Set([10008, 10015, 10062]);

export function createDiscordResponder(
  rest: REST,
  log: { info(obj: object, msg: string): void },
): Responder<Target> {
  /** An expired token is a refusal for good: nobody can be told anything through it any more. */
  const gone = async (target: Target, call: () => Promise<unknown>) => {
    try {
      await call();
    } catch (error) {
      if (error instanceof DiscordAPIError && typeof error.code === 'number' && GONE.has(error.code)) {
        log.info(
          { interactionId: target.interactionId, code: error.code },
          'interaction expired; reply dropped',
        );
        throw new ReplyRefused(`interaction token refused (${error.code})`, true, { cause: error });
      }
      throw error;
    }
  };
  return {
    // The margin keeps a job from starting a playlist it cannot post; a notice may still use it.
    deadline: (_target, requestedAt) => requestedAt + INTERACTION_TOKEN_TTL_MS - MARGIN_MS,
    deliver: (target, { playlist, playlistId }) =>
      gone(target, () =>
        rest.patch(Routes.webhookMessage(target.applicationId, target.token, '@original'), {
          body: playlistMessage(playlist, playlistId),
          auth: false,
        }),
      ),
    fail: (target, message) =>
      gone(target, () =>
        // The playlist a refine or a swap was to edit stays as it was; the requester alone hears why.
        target.update
          ? privateFollowUp(rest, target, failureMessage(message))
          : replyPrivately(rest, target, failureMessage(message)),
      ),
  };
}
