/**
 * `sonic-mood ingest kaggle | lyrics | catalog`: load songs into the catalog, with a progress bar per phase,
 * the lines skipped or cut, and exit code 2 when the input looked broken and nothing was written.
 */
import type { Command } from 'commander';
import { loadConfig } from '../core/config.ts';
import { ingestCatalog } from '../db/ingest/catalog.ts';
import { ingestKaggle } from '../db/ingest/kaggle.ts';
import { DEFAULT_MAX_MALFORMED_SHARE } from '../db/ingest/limits.ts';
import type { LineLog } from '../db/ingest/line-log.ts';
import { ingestLyrics } from '../db/ingest/lyrics.ts';
import type { IngestProgress } from '../db/ingest/staging.ts';
import type { IngestOptions } from '../db/ingest/verdict.ts';
import { openDatabase } from '../db/open.ts';
import { percent } from './options.ts';
import { progressBar } from './progress.ts';

/** Exit code of an ingest that ran but wrote nothing because its input looked broken (1 is any error). */
const EXIT_REFUSED = 2;

const maxMalformedOption = [
  '--max-malformed <percent>',
  "write nothing when more than this share of a file's lines is malformed",
  percent,
  DEFAULT_MAX_MALFORMED_SHARE,
] as const;

interface IngestFlags {
  maxMalformed: number;
}
const ingestOptions = (opts: IngestFlags): IngestOptions => ({ maxMalformedShare: opts.maxMalformed });

export function addIngestCommands(program: Command): void {
  const ingest = program
    .command('ingest')
    .description(
      'load songs into the catalog (re-running updates, never duplicates); exit 0 loaded, ' +
        `${EXIT_REFUSED} input refused (nothing written), 1 error`,
    );

  ingest
    .command('kaggle')
    .description('the Million Music Playlists layout: track_meta.tsv joined with user_item_interaction.csv')
    .requiredOption('--tracks <file>', 'track_meta.tsv (song_id, song_name, band)')
    .requiredOption('--interactions <file>', 'user_item_interaction.csv (user, item)')
    .option(...maxMalformedOption)
    .action(async (opts: { tracks: string; interactions: string } & IngestFlags) => {
      const report = await withDatabase((db, onProgress) =>
        ingestKaggle(
          db,
          { trackMeta: opts.tracks, interactions: opts.interactions },
          onProgress,
          ingestOptions(opts),
        ),
      );
      console.log(
        `songs upserted: ${report.songsUpserted}\n` +
          `tracks read: ${report.tracks.read}, dropped without a name: ${report.tracks.droppedWithoutName}, ` +
          `repeated ids: ${report.tracks.duplicateIds}\n` +
          `interactions read: ${report.interactions.read}, for unknown songs: ${report.interactions.unknownSong}`,
      );
      printLines('tracks', 'malformed line(s) skipped', report.tracks.malformed);
      printLines('interactions', 'malformed line(s) skipped', report.interactions.malformed);
      finish(report);
    });

  ingest
    .command('lyrics')
    .description('add lyrics from a CSV with title, artist and lyrics columns (the Genius dataset layout)')
    .argument('<file>')
    .option(...maxMalformedOption)
    .action(async (file: string, opts: IngestFlags) => {
      const report = await withDatabase((db, onProgress) =>
        ingestLyrics(db, file, onProgress, ingestOptions(opts)),
      );
      console.log(
        `lyrics read: ${report.read}, repeated: ${report.duplicates}, songs matched: ${report.songsMatched}`,
      );
      printLines('lyrics', 'malformed line(s) skipped', report.malformed);
      printLines('lyrics', 'line(s) loaded with a field cut to its limit', report.adjusted);
      finish(report);
    });

  ingest
    .command('catalog')
    .description(
      'a plain CSV or JSON Lines catalog: name, artist, optional id, year, genre, tags, lyrics, popularity',
    )
    .argument('<file>')
    .option(...maxMalformedOption)
    .action(async (file: string, opts: IngestFlags) => {
      const report = await withDatabase((db, onProgress) =>
        ingestCatalog(db, file, onProgress, ingestOptions(opts)),
      );
      console.log(
        `rows read: ${report.read}, repeated: ${report.duplicates}, songs upserted: ${report.songsUpserted}`,
      );
      printLines('catalog', 'malformed line(s) skipped', report.malformed);
      printLines('catalog', 'line(s) loaded with a field cut to its limit', report.adjusted);
      finish(report);
    });
}

async function withDatabase<T>(
  work: (db: Awaited<ReturnType<typeof openDatabase>>, onProgress: (p: IngestProgress) => void) => Promise<T>,
): Promise<T> {
  const db = await openDatabase(loadConfig());
  const bars = new Map<string, ReturnType<typeof progressBar>>();
  try {
    return await work(db, (p) => {
      if (p.totalBytes === 0) {
        for (const b of bars.values()) b.stop();
        process.stderr.write(`${p.phase}…\n`);
        return;
      }
      let bar = bars.get(p.phase);
      if (!bar) {
        for (const b of bars.values()) b.stop();
        bar = progressBar(`${p.phase.padEnd(12)}`, 'MB');
        bars.set(p.phase, bar);
      }
      bar.update(Math.round(p.bytes / 1e5) / 10, Math.round(p.totalBytes / 1e5) / 10, { records: p.records });
    });
  } finally {
    for (const b of bars.values()) b.stop();
    await db.close();
  }
}

function printLines(what: string, outcome: string, lines: LineLog): void {
  if (lines.count === 0) return;
  console.log(`${what}: ${lines.count} ${outcome}${lines.count > 1 ? ', for example' : ''}:`);
  const shown = lines.samples.slice(0, 10);
  for (const s of shown) console.log(`  line ${s.line}: ${s.reason}`);
  if (lines.count > shown.length) console.log(`  … and ${lines.count - shown.length} more`);
}

/** The outcome line of an ingest: stale staging tables it dropped, and a refusal as the exit code. */
function finish(report: { refused: string | undefined; staleStagingTablesDropped: number }): void {
  if (report.staleStagingTablesDropped > 0) {
    process.stderr.write(
      `dropped ${report.staleStagingTablesDropped} staging table(s) left behind by an interrupted ingest\n`,
    );
  }
  if (report.refused) {
    console.error(`sonic-mood: ${report.refused}`);
    process.exitCode = EXIT_REFUSED;
  }
}
