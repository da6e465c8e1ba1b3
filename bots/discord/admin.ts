/**
 * `/mood-admin reindex | status | cancel` on Discord, through the one admin admission
 * (workers/admin-admission.ts): a refusal is the private first answer; otherwise the reply is deferred
 * privately, then edited with the outcome, or with a progress bar until the job ends or the interaction token
 * is about to expire.
 */
import type { REST } from '@discordjs/rest';
import { InteractionResponseType, MessageFlags, Routes } from 'discord.js';
import type { Logger } from 'pino';
import {
  ADMIN_MESSAGES,
  type AdminAdmission,
  type AdminCommand,
  adminOutcome,
} from '../../workers/admin-admission.ts';
import type { ReindexQueue, ReindexStatus } from '../../workers/reindex-queue.ts';
import { describeReindexStatus, PLAIN, type StatusMarkup } from '../../workers/reindex-status.ts';
import { watchReindex } from '../../workers/reindex-watch.ts';
import type { InitialResponse } from './answers.ts';
import { type CommandOption, type DiscordInteraction, optionValue } from './interaction.ts';

export interface DiscordAdmin {
  readonly admission: AdminAdmission;
  readonly reindex: ReindexQueue;
  /** How often the status message is refreshed. */
  readonly refreshMs?: number | undefined;
}

const NO_MENTIONS = { parse: [] as [] };
/** Interaction tokens last 15 minutes; stop editing a little before. */
const WATCH_MS = 14 * 60_000;

/** Discord markdown: `**bold**`, `` `code` ``; values are shown as they are. */
const DISCORD_MARKUP: StatusMarkup = { ...PLAIN, bold: (t) => `**${t}**`, code: (t) => `\`${t}\`` };

export function describeStatus(status: ReindexStatus): string {
  return describeReindexStatus(status, DISCORD_MARKUP);
}

function commandOf(options: readonly CommandOption[]): AdminCommand {
  const sub = options[0];
  const subOptions = sub?.options ?? [];
  if (sub?.name === 'reindex') {
    return {
      kind: 'reindex',
      model: optionValue(subOptions, 'model', 'string'),
      dimensions: optionValue(subOptions, 'dimensions', 'number'),
      full: optionValue(subOptions, 'full', 'boolean') ?? false,
    };
  }
  return { kind: sub?.name === 'cancel' ? 'cancel' : 'status' };
}

export async function onAdmin(
  interaction: DiscordInteraction,
  options: readonly CommandOption[],
  respond: InitialResponse,
  rest: REST,
  admin: DiscordAdmin,
  log: Logger,
): Promise<void> {
  const verdict = await admin.admission.submitAdmin(
    {
      platform: 'discord',
      userId: interaction.userId ?? '',
      interactionKey: interaction.id,
      command: commandOf(options),
    },
    () =>
      respond({
        type: InteractionResponseType.DeferredChannelMessageWithSource,
        data: { flags: MessageFlags.Ephemeral },
      }),
  );
  const edit = async (content: string): Promise<boolean> => {
    try {
      await rest.patch(Routes.webhookMessage(interaction.applicationId, interaction.token, '@original'), {
        body: { content, allowed_mentions: NO_MENTIONS },
        auth: false,
      });
      return true;
    } catch (error) {
      // The logger's err serializer (cli/logger.ts) drops the request URL: it holds the interaction token.
      log.info({ err: error }, 'status message not updated');
      return false;
    }
  };
  if (verdict.status === 'refused') {
    await respond({
      type: InteractionResponseType.ChannelMessageWithSource,
      data: {
        content: ADMIN_MESSAGES.notOperator('server'),
        flags: MessageFlags.Ephemeral,
        allowed_mentions: NO_MENTIONS,
      },
    });
    return;
  }
  const outcome = adminOutcome(verdict);
  if (outcome !== undefined) await edit(outcome);
  if (verdict.status === 'watch') {
    // An interaction token may edit its reply at will: every change is shown, until the token nears expiry.
    const policy = {
      pollMs: admin.refreshMs ?? 3_000,
      minGapMs: 0,
      refreshMs: 0,
      watchMs: WATCH_MS,
      maxPosts: Number.POSITIVE_INFINITY,
    };
    await watchReindex(admin.reindex, describeStatus, edit, policy);
  }
}
