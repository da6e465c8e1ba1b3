/**
 * Streams a delimited file as records with their line numbers, never holding the file in memory.
 * Lines the parser cannot read and lines with the wrong number of fields are counted, not fatal.
 *
 * A stray quote is the dangerous case: it opens a quoted field that swallows the lines after it, so one
 * bad line becomes a merged record (or the rest of the file). A record is taken as broken when it runs
 * over several lines and a field that may not hold a line break (anything but `multiline` columns) does,
 * when it runs over several lines with the wrong field count, when its quote never closes, or when it
 * grows past MAX_RECORD_BYTES. Its first line is counted as malformed and reading resumes on the line
 * after it, with a fresh parser from that byte offset, so every line the quote swallowed is read again.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline, Transform } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { IngestInputError, inputFileSize } from './input-file.ts';
import { MAX_RECORD_BYTES } from './limits.ts';
import type { LineLog } from './line-log.ts';

export interface SourceRecord {
  /** 1-based line number where the record ends in the file. */
  readonly line: number;
  /** Field values by lower-cased header name. */
  readonly get: (column: string) => string | undefined;
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
  malformed: LineLog;
  /** Columns that must be in the header (alternatives separated by `|`, e.g. `name|title`). */
  required?: readonly string[];
  /** Columns whose quoted values may span lines (lyrics); a line break anywhere else means a stray quote. */
  multiline?: readonly string[];
  onProgress?: (progress: ReadProgress) => void;
}

interface Header {
  readonly columns: Map<string, number>;
  readonly width: number;
  readonly multiline: ReadonlySet<number>;
}

interface Parsed {
  record: string[];
  info: { lines: number; bytes: number; empty_lines: number };
}

type Broken = 'unclosed quote' | 'too long' | 'merged';

const LF = 0x0a;
const CR = 0x0d;
const MiB = `${MAX_RECORD_BYTES / 1024 / 1024} MiB`;

export async function* readRecords(path: string, options: ReadOptions): AsyncGenerator<SourceRecord> {
  const totalBytes = await inputFileSize(path);
  const progress: ReadProgress = { bytes: 0, totalBytes, records: 0 };
  let header: Header | undefined;
  let lastReport = 0;
  // Where the current parser starts: a byte offset and the number of lines before it.
  let start = 0;
  let linesBefore = 0;
  while (start < totalBytes) {
    // The end of the last record read in full: where a broken record begins.
    let endByte = start;
    let endLine = linesBefore;
    let emptyLines = 0;
    let broken: { kind: Broken; detail: string } | undefined;
    const parser = parse({
      delimiter: options.delimiter,
      quote: options.quoted ? '"' : false,
      bom: start === 0,
      info: true,
      max_record_size: MAX_RECORD_BYTES,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
    });
    const base = start;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        progress.bytes += chunk.length;
        done(null, chunk);
      },
    });
    progress.bytes = base;
    // Errors reach us through the parser's iterator; a parser we stop early ends the pipeline on purpose.
    pipeline(createReadStream(path, { start: base }), counter, parser, () => {});
    try {
      for await (const { record, info } of parser as AsyncIterable<Parsed>) {
        const line = linesBefore + info.lines;
        const spansLines = info.lines - (endLine - linesBefore) - (info.empty_lines - emptyLines) > 1;
        if (!header) {
          header = readHeader(path, record, options);
        } else if (spansLines && (record.length !== header.width || hasStrayLineBreak(record, header))) {
          broken = { kind: 'merged', detail: `the record ran on to line ${line}` };
          break;
        } else if (record.length !== header.width) {
          options.malformed.add(line, `expected ${header.width} fields, found ${record.length}`);
        } else {
          progress.records++;
          const columns = header.columns;
          yield { line, get: (column) => record[columns.get(column) ?? -1] };
          if (options.onProgress && progress.records - lastReport >= 10_000) {
            lastReport = progress.records;
            options.onProgress(progress);
          }
        }
        endByte = base + info.bytes;
        endLine = line;
        emptyLines = info.empty_lines;
      }
    } catch (error) {
      if (!(error instanceof CsvError)) {
        if (error instanceof IngestInputError) throw error;
        throw new IngestInputError(`${path}: ${error instanceof Error ? error.message : String(error)}`);
      }
      const kind: Broken = error.code === 'CSV_MAX_RECORD_SIZE' ? 'too long' : 'unclosed quote';
      if (!header) {
        throw new IngestInputError(
          `${path}: cannot read the header line: ${kind === 'too long' ? `longer than ${MiB}` : 'a quote in it is never closed'}`,
        );
      }
      broken = { kind, detail: error.code };
    }
    if (!broken) break;
    const skipped = await skipLine(path, endByte, totalBytes);
    const badLine = endLine + skipped.lines;
    options.malformed.add(badLine, brokenReason(broken, skipped.next - skipped.lineStart));
    start = skipped.next;
    linesBefore = badLine;
  }
  options.onProgress?.({ ...progress, bytes: totalBytes });
}

function brokenReason(broken: { kind: Broken; detail: string }, lineBytes: number): string {
  if (lineBytes > MAX_RECORD_BYTES) return `line is longer than ${MiB}`;
  switch (broken.kind) {
    case 'merged':
      return `a quote opened on this line does not close on it (${broken.detail}); read again from the next line`;
    case 'too long':
      return `a quoted field opened on this line runs on past ${MiB}; read again from the next line`;
    case 'unclosed quote':
      return 'a quote opened on this line is never closed; read again from the next line';
  }
}

function hasStrayLineBreak(record: readonly string[], header: Header): boolean {
  for (let i = 0; i < record.length; i++) {
    if (!header.multiline.has(i) && /[\r\n]/.test(record[i] ?? '')) return true;
  }
  return false;
}

function readHeader(path: string, record: readonly string[], options: ReadOptions): Header {
  const columns = new Map(record.map((name, i) => [name.trim().toLowerCase(), i]));
  const missing = (options.required ?? []).filter((c) => !c.split('|').some((alt) => columns.has(alt)));
  if (missing.length > 0) {
    const found = [...columns.keys()];
    const shown = found.slice(0, 10).map((name) => (name.length > 40 ? `${name.slice(0, 40)}…` : name));
    throw new IngestInputError(
      `${path}: missing column(s) ${missing.join(', ')}; found ${shown.join(', ')}` +
        (found.length > shown.length ? ` and ${found.length - shown.length} more` : ''),
    );
  }
  const multiline = new Set(
    (options.multiline ?? []).map((c) => columns.get(c)).filter((i): i is number => i !== undefined),
  );
  return { columns, width: record.length, multiline };
}

/**
 * From `from` (the end of the last good record), skips empty lines and the line the broken record starts
 * on. Returns how many lines that was, where the broken line starts and where the next line starts.
 */
async function skipLine(
  path: string,
  from: number,
  size: number,
): Promise<{ lines: number; lineStart: number; next: number }> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(64 * 1024);
    let pos = from;
    let lines = 0;
    let lineStart: number | undefined;
    while (pos < size) {
      const { bytesRead } = await file.read(buffer, 0, buffer.length, pos);
      if (bytesRead === 0) break;
      let i = 0;
      while (lineStart === undefined && i < bytesRead) {
        if (buffer[i] === LF) {
          i++;
        } else if (buffer[i] === CR && i + 1 < bytesRead && buffer[i + 1] === LF) {
          i += 2;
        } else if (buffer[i] === CR && i + 1 === bytesRead && i > 0 && pos + i + 1 < size) {
          break; // is it CR LF? read again from the CR
        } else {
          lineStart = pos + i;
        }
        lines++;
      }
      if (lineStart === undefined) {
        pos += i;
        continue;
      }
      const newline = buffer.subarray(0, bytesRead).indexOf(LF, i);
      if (newline >= 0) return { lines, lineStart, next: pos + newline + 1 };
      pos += bytesRead;
    }
    return { lines: Math.max(lines, 1), lineStart: lineStart ?? size, next: size };
  } finally {
    await file.close();
  }
}
