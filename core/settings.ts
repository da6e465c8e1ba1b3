/**
 * Every environment variable Sonic Mood reads, once: where its value lands in `Config`, the variable's name,
 * and its zod schema with the default. `Config` is inferred from this tree and built by walking it
 * (core/config.ts), so a new variable is one line here plus its line in `.env.example` (test/config.test.ts
 * fails until the example lists it with a value that means its default, and test/deploy-files.test.ts until
 * docker-compose.yml passes it through).
 */
import path from 'node:path';
import { z } from 'zod';
import { bool, bytes, commaList, int, num, optionalText, postgresUrls, provider } from './env-values.ts';
import { LINK_PLATFORMS } from './listen-links.ts';
import { MAX_DIMENSIONS } from './models.ts';

/** One variable: its name in the environment and how its text becomes a value. */
export interface Setting<S extends z.ZodType = z.ZodType> {
  readonly env: string;
  readonly schema: S;
}
export interface SettingTree {
  readonly [key: string]: Setting | SettingTree;
}
/** The parsed values of a tree, in its shape. */
export type SettingsOf<T> = {
  readonly [K in keyof T]: T[K] extends Setting<infer S> ? z.output<S> : SettingsOf<T[K]>;
};

const env = <S extends z.ZodType>(name: string, schema: S): Setting<S> => ({ env: name, schema });

export function isSetting(node: Setting | SettingTree): node is Setting {
  return typeof node.env === 'string' && node.schema instanceof z.ZodType;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** QUEUE_PREFIX's default: every Redis key of a deployment starts with it (workers/redis-keys.ts). */
const DEFAULT_QUEUE_PREFIX = 'sonic-mood';

// ---- The variables ----------------------------------------------------------------------------------------

export const SETTINGS = {
  databaseUrl: env('DATABASE_URL', optionalText),
  /** Streaming replicas that answer /mood searches (comma-separated); needs DATABASE_URL. */
  databaseReplicaUrls: env('DATABASE_REPLICA_URLS', postgresUrls),
  /** Connections one process may hold to PostgreSQL (each replica gets as many). */
  databasePoolMax: env('DATABASE_POOL_MAX', int(1, 1000).default(10)),
  /** The most maintenance_work_mem a vector-index build may take on the server (the IVFFlat lists fit it). */
  indexBuildMemoryBytes: env('INDEX_BUILD_MEMORY', bytes.default(1024 ** 3)),
  dataDir: env(
    'SONIC_MOOD_DATA_DIR',
    z
      .string()
      .default('.sonic-mood')
      .transform((dir) => path.resolve(dir)),
  ),
  /** Unset: `info` for the long-running processes, `warn` for a command a person runs (`logLevelFor`). */
  logLevel: env('LOG_LEVEL', optionalText.pipe(z.enum(LOG_LEVELS).optional())),

  models: {
    embeddingProvider: env('EMBEDDING_PROVIDER', provider),
    writerProvider: env('WRITER_PROVIDER', provider),
    baseUrl: env('OPENAI_BASE_URL', z.url().default('https://api.fireworks.ai/inference/v1')),
    apiKey: env('OPENAI_API_KEY', optionalText),
    embeddingModel: env(
      'EMBEDDING_MODEL',
      z.string().min(1).default('accounts/fireworks/models/qwen3-embedding-8b'),
    ),
    /** The configured model's size, and that of any model a re-index names without one. */
    embeddingDimensions: env('EMBEDDING_DIMENSIONS', int(1, MAX_DIMENSIONS).default(1024)),
    /** Instruction prepended to queries for instruction-tuned embedders (Qwen3-Embedding); empty for none. */
    queryInstruction: env(
      'EMBEDDING_QUERY_INSTRUCTION',
      z.string().default('Given a mood or vibe, retrieve songs that match it'),
    ),
    chatModel: env(
      'CHAT_MODEL',
      z.string().min(1).default('accounts/fireworks/models/qwen3-235b-a22b-instruct-2507'),
    ),
    timeoutMs: env('MODEL_TIMEOUT_MS', int(100, 600_000).default(20_000)),
    maxRetries: env('MODEL_MAX_RETRIES', int(0, 10).default(2)),
    /** How long HyDE or a title from a remote model may take, retries included, before the local one answers. */
    writerDeadlineMs: env('WRITER_DEADLINE_MS', int(100, 600_000).default(8_000)),
  },

  recommend: {
    hydeEnabled: env('HYDE_ENABLED', bool.default(true)),
    hydeWeight: env('HYDE_WEIGHT', num(0, 1).default(0.35)),
    candidatePool: env('CANDIDATE_POOL', int(10, 5000).default(200)),
    maxPerArtist: env('MAX_PER_ARTIST', int(1, 25).default(2)),
    popularityWeight: env('POPULARITY_WEIGHT', num(0, 1).default(0.15)),
    /** Hybrid retrieval: weight of the lexical match (tags, genre, title, artist) in the fusion; 0 turns it off. */
    lexicalWeight: env('LEXICAL_WEIGHT', num(0, 10).default(1)),
    /** How many lexical matches join the vector candidates. */
    lexicalLimit: env('LEXICAL_LIMIT', int(0, 1000).default(100)),
    /** Reciprocal-rank fusion's k: larger flattens each list's head. */
    fusionK: env('FUSION_K', int(1, 1000).default(60)),
    /** `lyrics`: HyDE writes lyrics; `songs`: the chat model names real songs; `auto`: by the catalog's lyrics. */
    hydeMode: env('HYDE_MODE', z.enum(['auto', 'lyrics', 'songs']).default('auto')),
    /** With HYDE_MODE=auto, lyric HyDE when at least this share of the catalog's songs has lyrics. */
    hydeLyricsShare: env('HYDE_LYRICS_SHARE', num(0, 1).default(0.5)),
    /** How many real songs the chat model may name in `songs` mode. */
    suggestedSongs: env('SUGGESTED_SONGS', int(1, 25).default(10)),
    /** Weight of the named songs found in the catalog in the fusion. */
    suggestionWeight: env('SUGGESTION_WEIGHT', num(0, 10).default(1)),
    /** Most score a song loses to its server's or workspace's net 👎 (full at 3 net 👎); 0 turns it off. */
    feedbackWeight: env('FEEDBACK_WEIGHT', num(0, 1).default(0.3)),
    /**
     * Where each track links (listen-links.ts): Spotify always, and the search pages of the others listed
     * (youtube-music, apple-music, deezer), comma-separated.
     */
    linkPlatforms: env(
      'LINK_PLATFORMS',
      commaList
        .transform((list) => (list.length === 0 ? ['spotify'] : [...new Set(list)]))
        .pipe(
          z
            .array(z.enum(LINK_PLATFORMS))
            .refine((list) => list.includes('spotify'), 'spotify is always linked: list it with the others'),
        ),
    ),
  },

  spotify: {
    clientId: env('SPOTIFY_CLIENT_ID', optionalText),
    clientSecret: env('SPOTIFY_CLIENT_SECRET', optionalText),
    apiUrl: env('SPOTIFY_API_URL', z.url().default('https://api.spotify.com/v1')),
    accountsUrl: env('SPOTIFY_ACCOUNTS_URL', z.url().default('https://accounts.spotify.com')),
    market: env('SPOTIFY_MARKET', optionalText),
    /** Lookups at once per process: a default playlist's 10 links in one round (a 429 pauses them all). */
    concurrency: env('SPOTIFY_CONCURRENCY', int(1, 32).default(10)),
    timeoutMs: env('SPOTIFY_TIMEOUT_MS', int(100, 60_000).default(5_000)),
    /** Set in days, kept in seconds: how long a found link is trusted. */
    hitTtlSeconds: env(
      'LINK_CACHE_TTL_DAYS',
      num(0, 3650)
        .default(30)
        .transform((days) => Math.round(days * 86_400)),
    ),
    /** Set in hours, kept in seconds: how long "Spotify has no such track" is trusted. */
    missTtlSeconds: env(
      'LINK_MISS_TTL_HOURS',
      num(0, 8760)
        .default(24)
        .transform((hours) => Math.round(hours * 3_600)),
    ),
  },

  queue: {
    redisUrl: env('REDIS_URL', z.string().default('redis://127.0.0.1:6379')),
    /** The key prefix of BullMQ's keys and the app's: lets several deployments (or test runs) share one Redis. */
    prefix: env(
      'QUEUE_PREFIX',
      z
        .string()
        .regex(/^[\w-]{1,40}$/)
        .default(DEFAULT_QUEUE_PREFIX),
    ),
    /** Refuse to run on a Redis that may evict keys (BullMQ loses jobs); `warn` only logs. */
    evictionCheck: env('REDIS_EVICTION_CHECK', z.enum(['refuse', 'warn']).default('refuse')),
    concurrency: env('WORKER_CONCURRENCY', int(1, 64).default(4)),
    attempts: env('JOB_ATTEMPTS', int(1, 10).default(3)),
    /** How long a worker holds a job before others presume it dead and run it again. */
    lockMs: env('WORKER_LOCK_MS', int(1000, 600_000).default(30_000)),
    /** Port of /healthz and /metrics in every long-running process; 0 turns them off. */
    healthPort: env('HEALTH_PORT', int(0, 65535).default(8080)),
    cooldownSeconds: env('COOLDOWN_SECONDS', int(0, 3600).default(10)),
    groupHourlyCap: env('GROUP_HOURLY_CAP', int(1, 100_000).default(120)),
  },

  /**
   * Who may re-index or cancel: `discord:<user id>`, `slack:<user id>` (and `cli:<name>` for jobs a script
   * enqueues), comma-separated. The worker checks it again before it runs a job. Operators of the shared
   * catalog, not any one server's admins.
   */
  operators: env(
    'OPERATOR_IDS',
    commaList
      .pipe(
        z.array(
          z
            .string()
            .regex(/^(discord|slack|cli):[\w-]{1,40}$/, 'expected discord:<id>, slack:<id> or cli:<name>'),
        ),
      )
      .transform((ids): ReadonlySet<string> => new Set(ids)),
  ),

  discord: {
    token: env('DISCORD_TOKEN', optionalText),
    applicationId: env('DISCORD_APPLICATION_ID', optionalText),
    apiUrl: env('DISCORD_API_URL', z.url().default('https://discord.com/api')),
    /** gateway = a WebSocket connection (one process); http = Discord POSTs to /interactions (any number). */
    mode: env('DISCORD_MODE', z.enum(['gateway', 'http']).default('gateway')),
    /** The application's Ed25519 public key (General Information → Public Key), for HTTP mode's signatures. */
    publicKey: env(
      'DISCORD_PUBLIC_KEY',
      optionalText.pipe(
        z
          .string()
          .regex(/^[0-9a-f]{64}$/i, 'the 64 hex digits of General Information → Public Key')
          .optional(),
      ),
    ),
  },

  slack: {
    botToken: env('SLACK_BOT_TOKEN', optionalText),
    signingSecret: env('SLACK_SIGNING_SECRET', optionalText),
    /** App-level token (xapp-…) for Socket Mode. */
    appToken: env('SLACK_APP_TOKEN', optionalText),
    mode: env('SLACK_MODE', z.enum(['socket', 'http']).default('socket')),
    port: env('SLACK_PORT', int(1, 65535).default(3000)),
    apiUrl: env('SLACK_API_URL', z.url().default('https://slack.com/api/')),
  },
} satisfies SettingTree;
