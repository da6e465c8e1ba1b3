/** The `sonic-mood` command. */
import { Command } from 'commander';
import { loadConfig, logLevelFor } from '../core/config.ts';
import { MoodError, userMessage } from '../core/errors.ts';
import { moodProblem, parseMood } from '../core/mood-text.ts';
import { parseRefinement } from '../core/refinement.ts';
import { swapWithNext } from '../core/swap.ts';
import type { Playlist } from '../core/types.ts';
import { openDatabase } from '../db/open.ts';
import { refinementProblem } from '../workers/playlist-context.ts';
import { errorSummary, openApp } from './app.ts';
import { ensureCatalogReady } from './catalog-setup.ts';
import { registerDiscordCommands, runDiscordBot } from './discord.ts';
import { addIngestCommands } from './ingest-commands.ts';
import { createLogger } from './logger.ts';
import { integer } from './options.ts';
import { addReindexCommand } from './reindex-command.ts';
import { renderPlaylist, renderPlaylistJson, terminalSafe } from './render.ts';
import { runSlackBot } from './slack.ts';
import { runWorker } from './worker.ts';

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
  .option(
    '--refine <follow-up>',
    'refine it in words, as the Refine… button does: "no rap, more 90s, calmer"',
  )
  .option('--swap <n>', 'then swap song n for the next best, as the Swap a song… menu does', integer(1, 50))
  .option('--json', 'print the playlist as JSON')
  .action(
    async (
      words: string[],
      opts: {
        size: number;
        seed?: number;
        yearFrom?: number;
        yearTo?: number;
        refine?: string;
        swap?: number;
        json?: boolean;
      },
    ) => {
      const parsed = parseMood(words.join(' '));
      if (!parsed.ok) {
        throw new MoodError(parsed.reason === 'empty' ? 'EmptyMood' : 'MoodTooLong', moodProblem(parsed));
      }
      const problem = opts.refine === undefined ? undefined : refinementProblem(opts.refine);
      if (problem) throw new MoodError('ConfigInvalid', `--refine: ${problem}`);
      const config = loadConfig();
      const log = createLogger(logLevelFor(config, 'command'));
      const app = await openApp(config, log);
      const print = (playlist: Playlist) =>
        console.log(opts.json ? renderPlaylistJson(playlist) : renderPlaylist(playlist));
      try {
        await ensureCatalogReady(app.db, app.providers.embedder, log);
        const request = {
          text: parsed.text,
          size: opts.size,
          seed: opts.seed,
          filters: { yearFrom: opts.yearFrom, yearTo: opts.yearTo },
          ...(opts.refine === undefined ? {} : { refinement: parseRefinement(opts.refine) }),
        };
        const playlist = await app.recommender.recommend(request);
        print(playlist);
        if (opts.swap === undefined) return;
        const out = playlist.tracks[opts.swap - 1];
        if (!out)
          throw new MoodError('ConfigInvalid', `--swap: the playlist has ${playlist.tracks.length} songs`);
        const swapped = await swapWithNext(app.recommender, request, playlist, out.songId, []);
        if (!swapped)
          throw new MoodError('NoMatches', 'No other song fits this playlist’s mood and filters.');
        if (!opts.json)
          console.log(
            `\n↻ song ${opts.swap} swapped: ${terminalSafe(out.name)} → ${terminalSafe(swapped.added.name)}\n`,
          );
        print(swapped.playlist);
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

addIngestCommands(program);
addReindexCommand(program);

program
  .command('worker')
  .description('run a worker: consume /mood jobs and post playlists back')
  .action(async () => {
    const config = loadConfig();
    await runWorker(config, createLogger(logLevelFor(config, 'service'), 'worker'));
  });

program
  .command('discord')
  .description('run the Discord bot, over the gateway or (DISCORD_MODE=http) at POST /interactions')
  .action(async () => {
    const config = loadConfig();
    await runDiscordBot(config, createLogger(logLevelFor(config, 'service'), 'discord'));
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
    await runSlackBot(config, createLogger(logLevelFor(config, 'service'), 'slack'));
  });

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
