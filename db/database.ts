/**
 * One small query interface over two engines: node-postgres when `DATABASE_URL` is set, embedded PGlite
 * (WASM PostgreSQL with pgvector, data on disk) otherwise. Repositories only ever see `Database`.
 */
export type Row = Record<string, unknown>;

/** A value COPY can carry: text as-is, numbers, booleans, null, and text arrays. */
export type CopyValue = string | number | boolean | null | readonly string[];

export interface Queryable {
  query<R extends Row = Row>(text: string, params?: readonly unknown[]): Promise<{ rows: R[] }>;
}

export interface Database extends Queryable {
  readonly engine: 'postgres' | 'pglite';
  /** Runs a script of several statements without parameters. */
  exec(sql: string): Promise<void>;
  /** Runs `fn` on one connection without a transaction (session settings, CREATE INDEX CONCURRENTLY). */
  session<T>(fn: (session: Queryable) => Promise<T>): Promise<T>;
  /** Runs `fn` in one transaction on one connection; rolls back if it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Bulk-loads rows with COPY … FROM (CSV); returns the number of rows loaded. */
  copyFrom(
    table: string,
    columns: readonly string[],
    rows: AsyncIterable<readonly CopyValue[]>,
  ): Promise<number>;
  close(): Promise<void>;
}

/** Encodes one row as a line of PostgreSQL's CSV COPY format (unquoted empty field = NULL). */
export function toCopyCsvLine(values: readonly CopyValue[]): string {
  return `${values.map(csvField).join(',')}\n`;
}

function csvField(value: CopyValue): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  const text = typeof value === 'string' ? value : toPgTextArray(value);
  return `"${text.replaceAll('"', '""')}"`;
}

/** `['a', 'b"c']` → `{"a","b\"c"}`, the text form of a PostgreSQL text[]. */
export function toPgTextArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`).join(',')}}`;
}
