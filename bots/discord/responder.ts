/**
 * Answers a `/mood` job on Discord by editing the deferred original response through the interaction
 * webhook. No gateway and no bot token are needed: the interaction token authorises the edit for 15 minutes.
 */
import { DiscordAPIError, type REST } from '@discordjs/rest';
import { Routes } from 'discord.js';
import type { z } from 'zod';
import type { DiscordTarget } from '../../workers/jobs.ts';
import type { Responder } from '../../workers/responder.ts';
import { failureMessage, playlistMessage } from './render.ts';

type Target = z.infer<typeof DiscordTarget>;

/** Discord's interaction tokens live 15 minutes; keep a margin for the request itself. */
export const INTERACTION_TOKEN_TTL_MS = 15 * 60_000;
const MARGIN_MS = 30_000;
/** Unknown Webhook / Unknown Interaction: the token expired or was never valid; retrying cannot help. */
const GONE = new Set([10015, 10062]);

export function createDiscordResponder(
  rest: REST,
  log: { info(obj: object, msg: string): void },
): Responder<Target> {
  const edit = async (target: Target, body: object) => {
    try {
      await rest.patch(Routes.webhookMessage(target.applicationId, target.token, '@original'), {
        body,
        auth: false,
      });
    } catch (error) {
      if (error instanceof DiscordAPIError && typeof error.code === 'number' && GONE.has(error.code)) {
        log.info(
          { interactionId: target.interactionId, code: error.code },
          'interaction expired; reply dropped',
        );
        return;
      }
      throw error;
    }
  };
  return {
    deadline: (_target, requestedAt) => requestedAt + INTERACTION_TOKEN_TTL_MS - MARGIN_MS,
    deliver: (target, { playlist, playlistId }) => edit(target, playlistMessage(playlist, playlistId)),
    fail: (target, message) => edit(target, failureMessage(message)),
  };
}
