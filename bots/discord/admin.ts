/**
 * `/mood-admin reindex | status | cancel` on Discord. Only operators (config OPERATOR_IDS) may start or
 * cancel a re-index; anyone else gets a polite refusal and nothing is enqueued. The status reply is edited
 * with a progress bar until the job ends or the interaction token is about to expire.
 */
import { type ChatInputCommandInteraction, MessageFlags } from 'discord.js';
import type { Logger } from 'pino';
import type { ReindexQueue, ReindexStatus } from '../../workers/reindex-queue.ts';
import {
  describeReindexStatus,
  PLAIN,
  progressBar,
  type StatusMarkup,
} from '../../workers/reindex-status.ts';

export interface AdminDeps {
  readonly reindex: ReindexQueue;
  readonly operators: ReadonlySet<string>;
  readonly log: Logger;
  /** How often the status message is refreshed. */
  readonly refreshMs?: number;
}

const NO_MENTIONS = { parse: [] };
/** Interaction tokens last 15 minutes; stop editing a little before. */
const WATCH_MS = 14 * 60_000;

export const ADMIN_MESSAGES = {
  notOperator: "Sorry, only Sonic Mood's operators can do that: the song catalog is shared by every server.",
  busy: 'A re-index is already running. `/mood-admin status` shows its progress.',
  nothingToCancel: 'No re-index is running.',
  cancelled: 'Cancelling: the re-index stops after its current batch. The live index stays as it is.',
} as const;

export async function onAdmin(interaction: ChatInputCommandInteraction, deps: AdminDeps): Promise<void> {
  const sub = interaction.options.getSubcommand();
  const isOperator = deps.operators.has(`discord:${interaction.user.id}`);
  if ((sub === 'reindex' || sub === 'cancel') && !isOperator) {
    deps.log.info({ userId: interaction.user.id, sub }, 'admin command refused');
    await interaction.reply({
      content: ADMIN_MESSAGES.notOperator,
      flags: MessageFlags.Ephemeral,
      allowedMentions: NO_MENTIONS,
    });
    return;
  }
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  if (sub === 'cancel') {
    const cancelled = await deps.reindex.cancel();
    await interaction.editReply({
      content: cancelled ? ADMIN_MESSAGES.cancelled : ADMIN_MESSAGES.nothingToCancel,
    });
    return;
  }
  if (sub === 'reindex') {
    const model = interaction.options.getString('model') ?? undefined;
    const dimensions = interaction.options.getInteger('dimensions') ?? undefined;
    const outcome = await deps.reindex.start({
      v: 1,
      model: model ? `openai:${model}@${dimensions ?? 1024}` : undefined,
      dimensions: model ? (dimensions ?? 1024) : undefined,
      full: interaction.options.getBoolean('full') ?? false,
      requestedBy: { platform: 'discord', userId: interaction.user.id },
    });
    if (outcome === 'busy') {
      await interaction.editReply({ content: ADMIN_MESSAGES.busy });
      return;
    }
    deps.log.info({ userId: interaction.user.id, model }, 're-index requested');
  }
  await watchStatus(interaction, deps);
}

async function watchStatus(interaction: ChatInputCommandInteraction, deps: AdminDeps): Promise<void> {
  const until = Date.now() + WATCH_MS;
  let shown = '';
  for (;;) {
    const status = await deps.reindex.status();
    const text = describeStatus(status);
    if (text !== shown) {
      await interaction.editReply({ content: text });
      shown = text;
    }
    if (status.state === 'idle' || Date.now() > until) return;
    await new Promise((r) => setTimeout(r, deps.refreshMs ?? 3_000));
  }
}

/** Discord markdown: `**bold**`, `` `code` ``; values are shown as they are, as before. */
const DISCORD_MARKUP: StatusMarkup = { ...PLAIN, bold: (t) => `**${t}**`, code: (t) => `\`${t}\`` };

export { progressBar };

export function describeStatus(status: ReindexStatus): string {
  return describeReindexStatus(status, DISCORD_MARKUP);
}
