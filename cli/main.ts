/** The `sonic-mood` command. */
import { Command, InvalidArgumentError } from 'commander';
import { loadConfig } from '../core/config.ts';
import { MoodError, userMessage } from '../core/errors.ts';
import { moodProblem, parseMood } from '../core/mood-text.ts';
import { ingestCatalog } from '../db/ingest/catalog.ts';
import { ingestKaggle } from '../db/ingest/kaggle.ts';
import { DEFAULT_MAX_MALFORMED_SHARE } from '../db/ingest/limits.ts';
import type { LineLog } from '../db/ingest/line-log.ts';
import { ingestLyrics } from '../db/ingest/lyrics.ts';
import type { IngestProgress } from '../db/ingest/staging.ts';
import type { IngestOptions } from '../db/ingest/verdict.ts';
import { openDatabase } from '../db/open.ts';
import { reindex } from '../db/reindex.ts';
import { errorSummary, openApp } from './app.ts';
import { ensureCatalogReady } from './catalog-setup.ts';
import { registerDiscordCommands, runDiscordBot } from './discord.ts';
import { createLogger } from './logger.ts';
import { progressBar } from './progress.ts';
import { renderPlaylist, renderPlaylistJson } from './render.ts';
import { runSlackBot } from './slack.ts';
import { runWorker } from './worker.ts';

const integer = (min: number, max: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new InvalidArgumentError(`a whole number from ${min} to ${max}`);
  return n;
};

const percent = (value: string) => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 100)
    throw new InvalidArgumentError('a percentage from 0 to 100');
  return n / 100;
};

/** Exit code of an ingest that ran but wrote nothing because its input looked broken (1 is any error). */
const EXIT_REFUSED = 2;

const program = new Command()
  .name('sonic-mood')
  .description('Type a mood, get a titled playlist of real songs with Spotify links.')
  .showHelpAfterError();

program
  .command('mood')
  .description('recommend a playlist for a mood (sets up the embedded catalog on first use)')
  .argument('<mood...>', 'the mood or vibe, e.g. "late night drive through neon rain"')
  .option('-n, --size <n>', 'how many songs', integer(1, 50), 10)
  .option('--seed <n>', 'another take: a different draw for the same mood', integer(0, 2 ** 31 - 1))
  .option('--year-from <year>', 'only songs released in or after this year', integer(1000, 2999))
  .option('--year-to <year>', 'only songs released in or before this year', integer(1000, 2999))
  .option('--json', 'print the playlist as JSON')
  .action(
    async (
      words: string[],
      opts: { size: number; seed?: number; yearFrom?: number; yearTo?: number; json?: boolean },
    ) => {
      const parsed = parseMood(words.join(' '));
      if (!parsed.ok) {
        throw new MoodError(parsed.reason === 'empty' ? 'EmptyMood' : 'MoodTooLong', moodProblem(parsed));
      }
      const config = loadConfig();
      const log = createLogger(process.env.LOG_LEVEL ?? 'warn');
      const app = await openApp(config, log);
      try {
        await ensureCatalogReady(app.db, app.providers.embedder, log);
        const playlist = await app.recommender.recommend({
          text: parsed.text,
          size: opts.size,
          seed: opts.seed,
          filters: { yearFrom: opts.yearFrom, yearTo: opts.yearTo },
        });
        console.log(opts.json ? renderPlaylistJson(playlist) : renderPlaylist(playlist));
      } finally {
        await app.close();
      }
    },
  );

program
  .command('migrate')
  .description('create or update the database schema')
  .action(async () => {
    const db = await openDatabase(loadConfig());
    await db.close();
    console.log('database schema is up to date');
  });

const ingest = program
  .command('ingest')
  .description(
    'load songs into the catalog (re-running updates, never duplicates); exit 0 loaded, ' +
      `${EXIT_REFUSED} input refused (nothing written), 1 error`,
  );

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

program
  .command('reindex')
  .description('embed the catalog for a model, build its vector index and switch /mood to it')
  .option('--model <name>', 'an OpenAI-compatible embedding model (default: the configured embedder)')
  .option('--dimensions <n>', 'embedding dimensions for --model', integer(1, 4000))
  .option('--full', 're-embed every song, not only those the model lacks')
  .action(async (opts: { model?: string; dimensions?: number; full?: boolean }) => {
    const config = loadConfig();
    const log = createLogger(process.env.LOG_LEVEL ?? 'warn');
    const app = await openApp(config, log);
    const bar = progressBar('Re-indexing', 'songs');
    try {
      const name = opts.model
        ? `openai:${opts.model}@${opts.dimensions ?? config.models.embeddingDimensions}`
        : undefined;
      const embedder = name
        ? app.providers.embedderFor(name, opts.dimensions ?? config.models.embeddingDimensions)
        : app.providers.embedder;
      if (!embedder)
        throw new MoodError(
          'ConfigInvalid',
          `Cannot embed with ${name}: set OPENAI_API_KEY (and OPENAI_BASE_URL).`,
        );
      let phase = '';
      const outcome = await reindex(app.db, embedder, {
        full: opts.full,
        buildMemoryBytes: config.indexBuildMemoryBytes,
        concurrency:
          embedder === app.providers.embedder && config.models.embeddingProvider === 'local' ? 1 : 4,
        onProgress: (p) => {
          if (p.phase === 'embedding' && p.total > 0) bar.update(p.done, p.total);
          if (p.phase !== 'embedding' && p.phase !== phase) {
            bar.stop();
            process.stderr.write(`${p.phase}…\n`);
          }
          phase = p.phase;
        },
      });
      bar.stop();
      if (outcome.status === 'switched') {
        console.log(
          `${outcome.model}: embedded ${outcome.embedded} songs in ${outcome.embedSeconds.toFixed(1)} s, ` +
            `index ${outcome.plan.kind} (${(outcome.indexBytes / 1e6).toFixed(1)} MB) in ${outcome.indexSeconds.toFixed(1)} s; now live`,
        );
      } else {
        console.log(`re-index cancelled after ${outcome.embedded} songs; the live index is unchanged`);
      }
    } finally {
      bar.stop();
      await app.close();
    }
  });

program
  .command('worker')
  .description('run a worker: consume /mood jobs and post playlists back')
  .action(async () => {
    const config = loadConfig();
    await runWorker(config, createLogger(config.logLevel, 'worker'));
  });

program
  .command('discord')
  .description('run the Discord bot (needs DISCORD_TOKEN and DISCORD_APPLICATION_ID)')
  .action(async () => {
    const config = loadConfig();
    await runDiscordBot(config, createLogger(config.logLevel, 'discord'));
  });

program
  .command('discord:register')
  .description('register the slash commands with Discord')
  .option('--guild <id>', 'register in one server only (appears at once; global takes up to an hour)')
  .action(async (opts: { guild?: string }) => {
    const count = await registerDiscordCommands(loadConfig(), opts.guild);
    console.log(`registered ${count} command(s) ${opts.guild ? `in guild ${opts.guild}` : 'globally'}`);
  });

program
  .command('slack')
  .description(
    'run the Slack app (needs SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, and SLACK_APP_TOKEN in socket mode)',
  )
  .action(async () => {
    const config = loadConfig();
    await runSlackBot(config, createLogger(config.logLevel, 'slack'));
  });

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

try {
  await program.parseAsync();
} catch (error) {
  if (error instanceof MoodError) {
    console.error(error.code === 'ConfigInvalid' ? error.message : userMessage(error));
  } else {
    console.error(`sonic-mood: ${errorSummary(error).message}`);
  }
  // A long-running process that failed to start (a port taken, a refused login, a Redis it must not use)
  // still holds its connections and timers: exit now, so compose or Render sees the failure and restarts it.
  process.exit(1);
}
