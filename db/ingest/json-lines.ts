/**
 * Streams a JSON Lines file as objects with their line numbers. Lines are split here rather than by
 * readline, which buffers a line of any length: a line longer than MAX_RECORD_BYTES is skipped while it
 * streams past. A UTF-8 byte-order mark is dropped; a file that is one JSON array is refused up front, since
 * reading it line by line would load only the elements that happen to sit alone on a line.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { IngestInputError, inputFileSize } from './input-file.ts';
import { MAX_RECORD_BYTES } from './limits.ts';
import type { LineLog } from './line-log.ts';
import type { ReadProgress } from './records.ts';

const LF = 0x0a;

export interface JsonLine {
  readonly line: number;
  readonly raw: Record<string, unknown>;
}

export async function* readJsonLines(
  path: string,
  malformed: LineLog,
  onProgress?: (progress: ReadProgress) => void,
): AsyncGenerator<JsonLine> {
  const totalBytes = await inputFileSize(path);
  await refuseJsonArray(path);
  const progress: ReadProgress = { bytes: 0, totalBytes, records: 0 };
  let line = 0;
  let parts: Buffer[] = [];
  let pending = 0;
  let skipping = false;

  const take = (text: string): JsonLine | undefined => {
    line++;
    const trimmed = (line === 1 ? text.replace(/^\uFEFF/, '') : text).trim();
    if (trimmed === '') return undefined;
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch {
      malformed.add(line, 'not valid JSON');
      return undefined;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      malformed.add(line, 'not a JSON object');
      return undefined;
    }
    progress.records++;
    if (progress.records % 10_000 === 0) onProgress?.(progress);
    return { line, raw: value as Record<string, unknown> };
  };

  try {
    for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
      progress.bytes += chunk.length;
      let from = 0;
      for (let newline = chunk.indexOf(LF); newline >= 0; newline = chunk.indexOf(LF, from)) {
        const piece = chunk.subarray(from, newline);
        from = newline + 1;
        if (skipping || pending + piece.length > MAX_RECORD_BYTES) {
          skipping = false;
          parts = [];
          pending = 0;
          line++;
          malformed.add(line, `line is longer than ${MAX_RECORD_BYTES / 1024 / 1024} MiB`);
          continue;
        }
        const text =
          pending === 0 ? piece.toString('utf8') : Buffer.concat([...parts, piece]).toString('utf8');
        parts = [];
        pending = 0;
        const record = take(text);
        if (record) yield record;
      }
      if (from < chunk.length && !skipping) {
        parts.push(chunk.subarray(from));
        pending += chunk.length - from;
        if (pending > MAX_RECORD_BYTES) {
          parts = [];
          pending = 0;
          skipping = true;
        }
      }
    }
  } catch (error) {
    throw new IngestInputError(`${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (skipping) {
    line++;
    malformed.add(line, `line is longer than ${MAX_RECORD_BYTES / 1024 / 1024} MiB`);
  } else if (pending > 0) {
    const record = take(Buffer.concat(parts).toString('utf8'));
    if (record) yield record;
  }
  onProgress?.({ ...progress, bytes: totalBytes });
}

async function refuseJsonArray(path: string): Promise<void> {
  const file = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await file.read(Buffer.alloc(4096), 0, 4096, 0);
    const start = buffer
      .subarray(0, bytesRead)
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .trimStart();
    if (start.startsWith('[')) {
      throw new IngestInputError(
        `${path} is one JSON array; ingest reads JSON Lines (one object per line): convert it with ` +
          `jq -c '.[]' ${path} > catalog.jsonl`,
      );
    }
  } finally {
    await file.close();
  }
}
