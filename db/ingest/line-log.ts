/** Lines an ingest skipped or changed: a count and the first few line numbers with their reasons. */
export class LineLog {
  count = 0;
  readonly samples: { line: number; reason: string }[] = [];

  add(line: number, reason: string): void {
    this.count++;
    if (this.samples.length < 20) this.samples.push({ line, reason });
  }
}
