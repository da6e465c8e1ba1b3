/**
 * Whether an ingest may write what it staged. A file whose every line is malformed, or with more than the
 * allowed share of malformed lines, is more likely the wrong file (delimiter, layout, encoding) than a
 * dirty one: loading its readable rest could poison the catalog, so nothing is written and the caller
 * exits non-zero. The CLI turns a refusal into exit code 2.
 */
import { DEFAULT_MAX_MALFORMED_SHARE } from './limits.ts';

export interface IngestOptions {
  /** Share of malformed lines (0–1) above which nothing is written; default 0.1. */
  readonly maxMalformedShare?: number;
}

export interface FileTally {
  readonly label: string;
  /** Lines that became staged rows. */
  readonly usable: number;
  readonly malformed: number;
  /** A file that may hold no rows at all (interactions: songs nobody played yet). */
  readonly mayBeEmpty?: boolean;
}

/** Why nothing may be written, or undefined when the ingest may go ahead. */
export function refusal(files: readonly FileTally[], options: IngestOptions = {}): string | undefined {
  const maxShare = options.maxMalformedShare ?? DEFAULT_MAX_MALFORMED_SHARE;
  for (const { label, usable, malformed, mayBeEmpty } of files) {
    if (usable === 0 && malformed > 0) {
      return `${label}: all ${malformed.toLocaleString('en-US')} line(s) malformed; nothing was written`;
    }
    if (usable === 0 && !mayBeEmpty) return `${label}: no rows to load; nothing was written`;
    const share = malformed / (usable + malformed);
    if (share > maxShare) {
      return (
        `${label}: ${malformed.toLocaleString('en-US')} of ${(usable + malformed).toLocaleString('en-US')} ` +
        `lines malformed (${percent(share)}), over the ${percent(maxShare)} limit; nothing was written`
      );
    }
  }
  return undefined;
}

const percent = (share: number) => `${Number((share * 100).toFixed(1))}%`;
