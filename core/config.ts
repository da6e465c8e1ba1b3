/**
 * Configuration comes only from environment variables, parsed once into a typed `Config`. Which variables
 * there are, their defaults and where each lands is core/settings.ts; this file parses them, checks the
 * rules that span several variables, and says what each process cannot run without.
 */
import path from 'node:path';
import { z } from 'zod';
import { MoodError, MoodErrorCode } from './errors.ts';
import {
  isSetting,
  type LOG_LEVELS,
  SETTINGS,
  type Setting,
  type SettingsOf,
  type SettingTree,
} from './settings.ts';

export type LogLevel = (typeof LOG_LEVELS)[number];

export type Config = SettingsOf<typeof SETTINGS> & {
  /** The embedded database's folder, under SONIC_MOOD_DATA_DIR. */
  readonly pgliteDir: string;
  /** The local embedder's word-vector and classifier caches, under SONIC_MOOD_DATA_DIR. */
  readonly cacheDir: string;
};

interface Leaf {
  readonly path: readonly string[];
  readonly setting: Setting;
}

function leavesOf(tree: SettingTree, at: readonly string[] = []): Leaf[] {
  return Object.entries(tree).flatMap(([key, node]) =>
    isSetting(node) ? [{ path: [...at, key], setting: node }] : leavesOf(node, [...at, key]),
  );
}

const LEAVES = leavesOf(SETTINGS);

/** The environment as one flat schema, keyed by variable name: problems are reported by that name. */
export const ENV_SCHEMA = z.object(Object.fromEntries(LEAVES.map((l) => [l.setting.env, l.setting.schema])));

/** Every environment variable the configuration reads (documented in `.env.example`). */
export const CONFIG_VARIABLES: readonly string[] = LEAVES.map((l) => l.setting.env);

/** Parses the environment; throws `MoodError(ConfigInvalid)` listing every problem at once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = ENV_SCHEMA.safeParse(env);
  if (!parsed.success) {
    throw invalid(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const values: Record<string, unknown> = parsed.data;
  const settings: Record<string, unknown> = {};
  for (const { path: where, setting } of LEAVES) {
    let section = settings;
    for (const key of where.slice(0, -1)) {
      section[key] ??= {};
      section = section[key] as Record<string, unknown>;
    }
    section[where.at(-1) ?? ''] = values[setting.env];
  }
  // The one cast: the loop above builds exactly the shape SettingsOf<typeof SETTINGS> describes.
  const config = settings as SettingsOf<typeof SETTINGS>;
  const problems = crossFieldProblems(config);
  if (problems.length > 0) throw invalid(problems);
  return {
    ...config,
    pgliteDir: path.join(config.dataDir, 'pglite'),
    cacheDir: path.join(config.dataDir, 'cache'),
  };
}

/** Rules no single variable's schema can check. */
function crossFieldProblems(c: SettingsOf<typeof SETTINGS>): string[] {
  const problems: string[] = [];
  const usesOpenAI = c.models.embeddingProvider === 'openai' || c.models.writerProvider === 'openai';
  if (usesOpenAI && !c.models.apiKey) problems.push('OPENAI_API_KEY: required when a provider is "openai"');
  if (c.databaseReplicaUrls.length > 0 && !c.databaseUrl) {
    problems.push('DATABASE_REPLICA_URLS: needs DATABASE_URL (the embedded PGlite has no replicas)');
  }
  if (Boolean(c.spotify.clientId) !== Boolean(c.spotify.clientSecret)) {
    problems.push('SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET: set both or neither');
  }
  return problems;
}

function invalid(problems: readonly string[]): MoodError {
  return new MoodError(MoodErrorCode.ConfigInvalid, `Invalid configuration:\n  - ${problems.join('\n  - ')}`);
}

/**
 * LOG_LEVEL, or the default for the kind of process: a command a person runs (`mood`, `reindex`) stays quiet
 * but for warnings, so its output is the answer; a long-running process logs what it does.
 */
export function logLevelFor(config: Pick<Config, 'logLevel'>, kind: 'command' | 'service'): LogLevel {
  return config.logLevel ?? (kind === 'command' ? 'warn' : 'info');
}

/** Settings a process cannot run without, by the environment variable a user sets. */
const REQUIRED: Record<
  'discord' | 'discord:register' | 'slack',
  readonly (readonly [string, (c: Config) => unknown])[]
> = {
  discord: [
    // The gateway logs in with the bot token; in HTTP mode the interaction tokens authorise every reply.
    ['DISCORD_TOKEN', (c) => c.discord.mode === 'http' || c.discord.token],
    ['DISCORD_APPLICATION_ID', (c) => c.discord.mode === 'http' || c.discord.applicationId],
    ['DISCORD_PUBLIC_KEY', (c) => c.discord.mode === 'gateway' || c.discord.publicKey],
  ],
  'discord:register': [
    ['DISCORD_TOKEN', (c) => c.discord.token],
    ['DISCORD_APPLICATION_ID', (c) => c.discord.applicationId],
  ],
  slack: [
    ['SLACK_BOT_TOKEN', (c) => c.slack.botToken],
    ['SLACK_SIGNING_SECRET', (c) => c.slack.signingSecret],
    // Socket Mode connects with the app-level token; HTTP mode needs none.
    ['SLACK_APP_TOKEN', (c) => c.slack.mode === 'http' || c.slack.appToken],
  ],
};

/** Throws `ConfigInvalid` naming every missing variable the given process needs. */
export function requireSettings(config: Config, process: keyof typeof REQUIRED): void {
  const missing = REQUIRED[process].filter(([, get]) => !get(config)).map(([name]) => name);
  if (missing.length > 0) {
    throw new MoodError(
      MoodErrorCode.ConfigInvalid,
      `Missing configuration for ${process}:\n  - ${missing.map((m) => `${m}: required`).join('\n  - ')}`,
    );
  }
}
