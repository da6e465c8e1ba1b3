/**
 * Streams a delimited file as records with their line numbers, never holding the file in memory.
 * Lines the parser cannot read and lines with the wrong number of fields are counted, not fatal.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { parse } from 'csv-parse';

export interface SourceRecord {
  /** 1-based line number where the record ends in the file. */
  readonly line: number;
  /** Field values by lower-cased header name. */
  readonly get: (column: string) => string | undefined;
}

/** Malformed lines: a count and the first few line numbers with their reasons, for the report. */
export class MalformedLines {
  count = 0;
  readonly samples: { line: number; reason: string }[] = [];

  add(line: number, reason: string): void {
    this.count++;
    if (this.samples.length < 20) this.samples.push({ line, reason });
  }
}

export interface ReadProgress {
  bytes: number;
  totalBytes: number;
  records: number;
}

export interface ReadOptions {
  delimiter: ',' | '\t';
  /** TSV exports rarely quote; treating `"` literally keeps titles like `12" Mix` intact. */
  quoted: boolean;
  malformed: MalformedLines;
  /** Columns that must be in the header (alternatives separated by `|`, e.g. `name|title`). */
  required?: readonly string[];
  onProgress?: (progress: ReadProgress) => void;
}

export async function* readRecords(path: string, options: ReadOptions): AsyncGenerator<SourceRecord> {
  const totalBytes = (await stat(path)).size;
  const progress: ReadProgress = { bytes: 0, totalBytes, records: 0 };
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      progress.bytes += chunk.length;
      done(null, chunk);
    },
  });
  const parser = parse({
    delimiter: options.delimiter,
    quote: options.quoted ? '"' : false,
    bom: true,
    info: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
  });
  parser.on('skip', (error: { lines?: number; message: string }) => {
    options.malformed.add(error.lines ?? 0, error.message);
  });
  createReadStream(path).pipe(counter).pipe(parser);

  let header: Map<string, number> | undefined;
  let width = 0;
  let lastReport = 0;
  for await (const { record, info } of parser as AsyncIterable<{
    record: string[];
    info: { lines: number };
  }>) {
    if (!header) {
      header = new Map(record.map((name, i) => [name.trim().toLowerCase(), i]));
      width = record.length;
      const names = header;
      const missing = (options.required ?? []).filter((c) => !c.split('|').some((alt) => names.has(alt)));
      if (missing.length > 0) {
        parser.destroy();
        throw new Error(
          `${path}: missing column(s) ${missing.join(', ')}; found ${[...names.keys()].join(', ')}`,
        );
      }
      continue;
    }
    if (record.length !== width) {
      options.malformed.add(info.lines, `expected ${width} fields, found ${record.length}`);
      continue;
    }
    progress.records++;
    const columns = header;
    yield { line: info.lines, get: (column) => record[columns.get(column) ?? -1] };
    if (options.onProgress && progress.records - lastReport >= 10_000) {
      lastReport = progress.records;
      options.onProgress(progress);
    }
  }
  options.onProgress?.({ ...progress, bytes: totalBytes });
}
