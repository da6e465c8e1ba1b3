/**
 * The words of a re-index status — phase, progress bar, done/total, rate, ETA, the last run's outcome — in one
 * place for every front end. The text is plain by default; a bot passes how its markup makes a span bold or
 * monospace and how it escapes a value (Discord markdown `**…**`, Slack mrkdwn `*…*` and `&lt;`).
 */
import type { ReindexFailureCode } from './jobs.ts';
import type { ReindexStatus } from './reindex-queue.ts';

export interface StatusMarkup {
  readonly bold: (text: string) => string;
  readonly code: (text: string) => string;
  /** Applied to values that come from outside the code: model names, index kinds. */
  readonly value: (text: string) => string;
}

export const PLAIN: StatusMarkup = { bold: (t) => t, code: (t) => t, value: (t) => t };

function progressBar(done: number, total: number, width = 20): string {
  const ratio = total > 0 ? Math.min(1, done / total) : 0;
  const filled = Math.round(ratio * width);
  return `${'█'.repeat(filled)}${'░'.repeat(width - filled)} ${Math.floor(ratio * 100)}%`;
}

export function describeReindexStatus(status: ReindexStatus, markup: StatusMarkup = PLAIN): string {
  const { bold, code, value } = markup;
  if (status.state === 'waiting') return `Re-index queued${status.model ? ` (${value(status.model)})` : ''}…`;
  if (status.state === 'running') {
    const p = status.progress;
    if (!p) return 'Re-index starting…';
    const eta = p.etaSeconds ? ` · ETA ${formatSeconds(p.etaSeconds)}` : '';
    const rate = p.rate ? ` · ${Math.round(p.rate)} songs/s` : '';
    return (
      `${bold(`Re-index: ${p.phase}`)}\n${code(progressBar(p.done, p.total))} ${count(p.done)}/${count(p.total)}` +
      `${rate}${eta}`
    );
  }
  const last = status.last;
  if (!last) return 'No re-index has run yet.';
  if (last.result?.status === 'switched') {
    return `Last re-index: ${bold(value(last.result.model))} is live — ${count(last.result.embedded)} songs embedded, ${value(last.result.index)} index, ${last.result.seconds} s.`;
  }
  if (last.result?.status === 'cancelled')
    return `Last re-index was cancelled after ${last.result.embedded} songs; the live index is unchanged.`;
  return `Last re-index failed: ${REINDEX_FAILURES[last.failure ?? 'Unexpected']} The live index is unchanged.`;
}

/**
 * What an admin is told about a failed run, by its code. Never the error itself: a database or model API
 * error can carry a connection string or a response body; the worker's log has it.
 */
export const REINDEX_FAILURES: Record<ReindexFailureCode, string> = {
  NotOperator: 'it was requested by someone who is not an operator (OPERATOR_IDS).',
  CannotEmbed: 'the worker cannot embed with that model (an OpenAI-compatible model needs OPENAI_API_KEY).',
  Busy: 'another re-index was running.',
  EmbeddingUnavailable: 'the embedding model was unavailable; try again later.',
  ModelRejected: 'the model API refused the credentials or the model name.',
  Malformed: 'the request was malformed.',
  Unexpected: 'an unexpected error; the worker’s log has the details.',
};

/** What a watcher compares to decide whether the status moved on to a new stage. */
export function statusStage(status: ReindexStatus): string {
  return status.state === 'running' ? `running:${status.progress?.phase ?? 'starting'}` : status.state;
}

export function formatSeconds(s: number): string {
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

const count = (n: number) => n.toLocaleString('en');
