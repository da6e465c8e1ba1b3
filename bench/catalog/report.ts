/** bench:catalog's results file: every phase's figures, the two designs side by side, and the targets. */
import { cpus, loadavg, release, totalmem } from 'node:os';
import type { ReindexOutcome } from '../../db/reindex.ts';
import type { PlantedMess, SyntheticKaggleFiles } from '../synthetic-kaggle.ts';
import type { MemoryReading } from './cluster.ts';
import type { OriginalBuild } from './designs.ts';
import type { LexicalResults } from './lexical.ts';
import {
  type BinaryQuantizedResults,
  type DesignRow,
  type QueryResults,
  RECALL_TARGET,
  type SwapResults,
} from './measure.ts';

export interface CatalogResults {
  readonly command: string;
  readonly date: string;
  readonly key: { songs: number; interactions: number; users: number; dims: number; seed: number };
  readonly budget: number;
  readonly settings: Record<string, string>;
  readonly postgres: string;
  readonly phases: {
    generate: SyntheticKaggleFiles & { seconds: number };
    ingest: {
      seconds: number;
      rowsPerSecond: number;
      peakRss: number;
      postgresPeak: number;
      summary: string;
    };
    embedding: {
      embedded: number;
      seconds: number;
      songsPerSecond: number;
      /** 0 when not measured. */
      peakRss: number;
      postgresPeak: number;
      note?: string;
    };
    embed: Extract<ReindexOutcome, { status: 'switched' }> & { buildMemory: string; postgresPeak: number };
    original: OriginalBuild & { postgresPeak: number };
    truth: { seconds: number; queries: number };
    queries: QueryResults;
    swap: SwapResults;
    lexical: LexicalResults;
    bq: BinaryQuantizedResults & { postgresPeak: number };
  };
  readonly disk: number;
  readonly memoryAtEnd: MemoryReading;
  readonly totalSeconds: number;
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => (n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : n.toFixed(0));
const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
const mib = (bytes: number) => `${Math.round(bytes / 1024 ** 2).toLocaleString('en-US')} MiB`;
const min = (seconds: number) =>
  seconds < 120 ? `${seconds.toFixed(1)} s` : `${(seconds / 60).toFixed(1)} min`;
const ratio = (r: number) => `${r >= 10 ? r.toFixed(0) : r.toFixed(1)}×`;

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [
    line(header),
    `|${header.map((_, i) => (i < 2 ? ' --- ' : ' ---: ')).join('|')}|`,
    ...rows.map(line),
  ].join('\n');
}

function messLine(mess: PlantedMess | undefined): string {
  if (!mess) return '';
  return (
    `; planted mess: ${int(mess.longNames)} names of 2,000–100,000 characters, ${int(mess.oddUnicode)} odd-Unicode names, ` +
    `${int(mess.fillerTitles)} intros/interludes/skits, ${int(mess.wrongColumns)} lines with a column missing or extra, ` +
    `${int(mess.badIds)} non-numeric ids, ${int(mess.blankLines)} blank lines, ${int(mess.brokenInteractions)} broken interaction lines`
  );
}

const DESIGN_COLUMNS = [
  'design',
  'index',
  'recall@10 (near-song / fresh)',
  'buffers hit / read per request',
  'disk MiB per request',
  '1 client p50 / p95 / p99 (ms)',
  '1 client req/s',
  '8 clients p50 / p95 / p99 (ms)',
  '8 clients req/s',
];

function designRows(rows: readonly DesignRow[]): string[][] {
  return rows.map((r) => [
    r.label,
    r.index,
    `${r.recall.toFixed(3)} (${r.recallByKind['near-song'].toFixed(2)} / ${r.recallByKind.fresh.toFixed(2)})`,
    `${int(r.hitsPerRequest)} / ${int(r.readsPerRequest)}`,
    `${(r.diskPerRequest / 1024 ** 2).toFixed(2)}`,
    ...[1, 8].flatMap((c) => {
      const l = r.clients[c];
      return l ? [`${ms(l.p50)} / ${ms(l.p95)} / ${ms(l.p99)}`, int(l.rps)] : ['–', '–'];
    }),
  ]);
}

function verdict(ok: boolean): string {
  return ok ? 'met' : '**missed**';
}

export function renderCatalog(r: CatalogResults): string {
  const { generate, ingest, embedding, embed, original, truth, queries, swap, lexical, bq } = r.phases;
  const out: string[] = [];
  out.push(`# Full catalog: ${int(r.key.songs)} songs × ${r.key.dims} dimensions, inside ${gib(r.budget)}`);
  out.push('');
  out.push(`- Command: \`${r.command}\``);
  out.push(
    `- Date: ${r.date}; this run ${min(r.totalSeconds)} (phases reused from earlier runs are not in it)`,
  );
  out.push(
    `- Machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 1024 ** 3).toFixed(1)} GiB, Linux ${release()}, Node ${process.version}; load average at the end ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  out.push(
    `- PostgreSQL: ${r.postgres}; a private cluster in a cgroup v1 memory group of ${gib(r.budget)} (page cache included)`,
  );
  out.push(
    `- Server settings: ${Object.entries(r.settings)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}`,
  );
  out.push(`- Disk used at the end (files + database): ${gib(r.disk)}`);
  out.push('');
  out.push('## Phases');
  out.push('');
  const rows: string[][] = [];
  if (generate) {
    rows.push([
      'generate the Kaggle layout',
      min(generate.seconds),
      `${int((generate.trackRows + generate.interactionRows) / generate.seconds)} lines/s`,
      '–',
      `${gib(generate.bytes)} of files: ${int(generate.trackRows)} track lines, ${int(generate.interactionRows)} interactions, ${int(generate.emptyNames)} empty names, ${int(generate.duplicateIds)} repeated ids, ${int(generate.unknownItems)} unknown items${messLine(generate.mess)}`,
    ]);
  }
  if (ingest) {
    rows.push([
      '`sonic-mood ingest kaggle`',
      min(ingest.seconds),
      `${int(ingest.rowsPerSecond)} rows/s`,
      `${mib(ingest.peakRss)} (node) · ${gib(ingest.postgresPeak)} (PostgreSQL cgroup)`,
      ingest.summary.replaceAll('\n', '; ').slice(0, 600),
    ]);
  }
  if (embedding) {
    rows.push([
      're-index: embed (synthetic embedder)',
      min(embedding.seconds),
      `${int(embedding.songsPerSecond)} songs/s`,
      embedding.peakRss > 0
        ? `${mib(embedding.peakRss)} (node) · ${gib(embedding.postgresPeak)} (PostgreSQL cgroup)`
        : '–',
      `${int(embedding.embedded)} songs embedded, pages of 4,096, written as halfvec${embedding.note ? ` (${embedding.note})` : ''}`,
    ]);
  }
  if (embed) {
    rows.push([
      're-index: build the chosen index',
      min(embed.indexSeconds),
      '–',
      `maintenance_work_mem ${embed.buildMemory} · ${gib(embed.postgresPeak)} (PostgreSQL cgroup)`,
      `${JSON.stringify(embed.plan)}, ${mib(embed.indexBytes)}`,
    ]);
  }
  if (original) {
    rows.push([
      'original: load vector(D) + build its IVFFlat',
      `${min(original.loadSeconds)} + ${min(original.buildSeconds)}`,
      '–',
      `${gib(original.postgresPeak)} (PostgreSQL cgroup)`,
      `lists=${original.lists}, built with maintenance_work_mem ${original.buildMemory}; table ${gib(original.tableBytes)}, index ${gib(original.indexBytes)}`,
    ]);
  }
  if (truth)
    rows.push([
      'exact ground truth',
      min(truth.seconds),
      '–',
      '–',
      `${truth.queries} queries, one streaming pass`,
    ]);
  out.push(table(['phase', 'time', 'rate', 'peak memory', 'notes'], rows));
  out.push('');

  if (queries) {
    out.push('## Searches: ours vs the original');
    out.push('');
    out.push(table(DESIGN_COLUMNS, designRows(queries.rows)));
    out.push('');
    for (const sweep of queries.sweeps) {
      out.push(
        `- ${sweep.label} ${sweep.points.map((p) => `${p.setting}: ${p.recall.toFixed(3)}`).join(', ')}`,
      );
    }
    out.push(
      `- PostgreSQL memory during the searches: peak ${gib(queries.postgresPeak)} of ${gib(r.budget)} (rss ${gib(queries.memory.rss)}, page cache ${gib(queries.memory.cache)} at the end)`,
    );
    if (original?.note) out.push(`- ${original.note}`);
    out.push('');
  }
  if (swap) {
    out.push('## Re-indexing the live model under load');
    out.push('');
    out.push(
      `${int(swap.searches)} searches from 2 clients during a re-index of the live model (index rebuilt in ${min(swap.buildSeconds)}, ${swap.plan}): ` +
        `**${int(swap.withoutIndex)} without an ANN index** (each one EXPLAINed in its own transaction), ${int(swap.failed)} failed; p50 ${ms(swap.p50)} ms, p95 ${ms(swap.p95)} ms.`,
    );
    out.push('');
  }
  if (lexical) {
    out.push('## Hybrid retrieval: the lexical half at full size');
    out.push('');
    out.push(
      `The product's lexicalSearch (GIN full-text over tags, genre, title, artist; ${lexical.words.length} common title words, two per request, about 1 title in 40 each), ` +
        `${int(lexical.requests)} requests at 1 client after 20 warm-up, on the index the re-index left live; ${lexical.hitsMean.toFixed(0)} songs per answer on average (limit 100). ` +
        `The GIN index (migration 003, kept up by the ingest): ${mib(lexical.indexBytes)}.`,
    );
    out.push('');
    out.push(
      table(
        ['search', 'p50 (ms)', 'p95 (ms)', 'p99 (ms)'],
        [
          ['lexical alone', ms(lexical.lexical.p50), ms(lexical.lexical.p95), ms(lexical.lexical.p99)],
          [
            'vector alone (pool of 200)',
            ms(lexical.vectorAlone.p50),
            ms(lexical.vectorAlone.p95),
            ms(lexical.vectorAlone.p99),
          ],
          [
            'vector ∥ lexical, as a request runs them',
            ms(lexical.hybrid.p50),
            ms(lexical.hybrid.p95),
            ms(lexical.hybrid.p99),
          ],
        ],
      ),
    );
    out.push('');
  }
  if (bq) {
    out.push('## The binary-quantized alternative');
    out.push('');
    out.push(
      `bit(${r.key.dims}) IVFFlat lists=${bq.lists} built beside the serving index in ${min(bq.buildSeconds)} into ${mib(bq.indexBytes)}; ` +
        `PostgreSQL memory peak ${gib(bq.postgresPeak)}. Same requests, same clients as above:`,
    );
    out.push('');
    out.push(table(DESIGN_COLUMNS, designRows(bq.rows)));
    out.push('');
    for (const sweep of bq.sweeps) {
      out.push(
        `- ${sweep.label} ${sweep.points.map((p) => `${p.setting}: ${p.recall.toFixed(3)}`).join(', ')}`,
      );
    }
    out.push('');
  }
  out.push('## Targets');
  out.push('');
  out.push(...targets(r));
  out.push('');
  return out.join('\n');
}

function targets(r: CatalogResults): string[] {
  const { ingest, embed, queries, swap } = r.phases;
  const lines: string[] = [];
  const oursRows = queries?.rows.filter((x) => x.label.startsWith('ours')) ?? [];
  const ours = oursRows[0];
  const p95 = (row: DesignRow | undefined, clients: number) => row?.clients[clients]?.p95 ?? Number.NaN;
  // The fastest of our rows that reaches the recall target, whichever probes it took.
  const best = oursRows.filter((x) => x.recall >= RECALL_TARGET).sort((a, b) => p95(a, 1) - p95(b, 1))[0];
  if (best) {
    lines.push(
      `- recall@10 ≥ ${RECALL_TARGET} at search p95 ≤ 25 ms (1 client) and ≤ 60 ms (8 clients), inside ${gib(r.budget)}: ` +
        `${best.label} (${best.index}) — recall ${best.recall.toFixed(3)}, p95 ${ms(p95(best, 1))} ms / ${ms(p95(best, 8))} ms: ` +
        `${verdict(p95(best, 1) <= 25 && p95(best, 8) <= 60)}.`,
    );
  }
  const tuned = queries?.rows.find((x) => x.label.startsWith('original, probes'));
  const equal = queries?.rows.find((x) => x.label.startsWith('ours at the same recall')) ?? ours;
  if (equal && tuned) {
    const one = p95(tuned, 1) / p95(equal, 1);
    const eight = p95(tuned, 8) / p95(equal, 8);
    lines.push(
      `- ours ≥ 5× lower p95 than the original at equal recall (${equal.recall.toFixed(3)} vs ${tuned.recall.toFixed(3)}): ` +
        `${ratio(one)} at 1 client, ${ratio(eight)} at 8: ${verdict(one >= 5 && eight >= 5)}.`,
    );
  }
  if (embed)
    lines.push(`- index build ≤ 60 min: ${min(embed.indexSeconds)}: ${verdict(embed.indexSeconds <= 3600)}.`);
  if (ingest)
    lines.push(
      `- ingest ≥ 50K rows/s: ${int(ingest.rowsPerSecond)}: ${verdict(ingest.rowsPerSecond >= 50_000)}.`,
    );
  if (swap)
    lines.push(
      `- zero searches without an index during a re-index of the live model: ${int(swap.withoutIndex)}: ${verdict(swap.withoutIndex === 0 && swap.failed === 0)}.`,
    );
  return lines;
}
