/**
 * Configuration comes only from environment variables, parsed once into a typed `Config`.
 * Every variable and its default is listed here and in `.env.example`.
 */
import path from 'node:path';
import { z } from 'zod';
import { MoodError, MoodErrorCode } from './errors.ts';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const num = (min: number, max: number) => z.coerce.number().min(min).max(max);
const BYTE_UNITS: Record<string, number> = {
  '': 1,
  kb: 1024,
  kib: 1024,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
};
/** A size such as `1GB`, `512MiB` or a number of bytes (units are binary, as PostgreSQL's are). */
const bytes = z
  .string()
  .regex(/^\s*\d+(\.\d+)?\s*([kmg]i?b)?\s*$/i, 'a size such as 1GB, 512MB or a number of bytes')
  .transform((text) => {
    const [, n, unit] = /^\s*(\d+(?:\.\d+)?)\s*([kmg]i?b)?\s*$/i.exec(text) ?? [];
    return Math.round(Number(n) * (BYTE_UNITS[(unit ?? '').toLowerCase()] ?? 1));
  });

/** Comma-separated PostgreSQL URLs; a bad one is named by position, never echoed (it may hold a password). */
const postgresUrls = z
  .string()
  .default('')
  .transform((v, ctx) => {
    const urls = v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    urls.forEach((url, i) => {
      if (!isPostgresUrl(url)) {
        ctx.addIssue({
          code: 'custom',
          message: `entry ${i + 1} of ${urls.length} is not a postgres:// or postgresql:// URL with a host`,
        });
      }
    });
    return urls;
  });

function isPostgresUrl(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const url = new URL(text);
  return (url.protocol === 'postgres:' || url.protocol === 'postgresql:') && url.hostname !== '';
}

const EnvSchema = z.object({
  DATABASE_URL: optionalText,
  /** Streaming replicas that answer /mood searches (comma-separated); needs DATABASE_URL. */
  DATABASE_REPLICA_URLS: postgresUrls,
  /** Connections one process may hold to PostgreSQL (each replica gets as many). */
  DATABASE_POOL_MAX: int(1, 1000).default(10),
  /** The most maintenance_work_mem a vector-index build may take on the database server. */
  INDEX_BUILD_MEMORY: bytes.default(1024 ** 3),
  SONIC_MOOD_DATA_DIR: z.string().default('.sonic-mood'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  EMBEDDING_PROVIDER: z.enum(['local', 'openai']).default('local'),
  WRITER_PROVIDER: z.enum(['local', 'openai']).default('local'),
  OPENAI_BASE_URL: z.url().default('https://api.fireworks.ai/inference/v1'),
  OPENAI_API_KEY: optionalText,
  EMBEDDING_MODEL: z.string().min(1).default('accounts/fireworks/models/qwen3-embedding-8b'),
  EMBEDDING_DIMENSIONS: int(1, 4000).default(1024),
  /** Instruction prepended to queries for instruction-tuned embedders (Qwen3-Embedding); empty for none. */
  EMBEDDING_QUERY_INSTRUCTION: z.string().default('Given a mood or vibe, retrieve songs that match it'),
  CHAT_MODEL: z.string().min(1).default('accounts/fireworks/models/qwen3-235b-a22b-instruct-2507'),
  MODEL_TIMEOUT_MS: int(100, 600_000).default(20_000),
  MODEL_MAX_RETRIES: int(0, 10).default(2),
  /** How long HyDE or a title from a remote model may take, retries included, before the local one answers. */
  WRITER_DEADLINE_MS: int(100, 600_000).default(8_000),

  HYDE_ENABLED: bool.default(true),
  HYDE_WEIGHT: num(0, 1).default(0.35),
  CANDIDATE_POOL: int(10, 5000).default(200),
  MAX_PER_ARTIST: int(1, 25).default(2),
  POPULARITY_WEIGHT: num(0, 1).default(0.15),

  SPOTIFY_CLIENT_ID: optionalText,
  SPOTIFY_CLIENT_SECRET: optionalText,
  SPOTIFY_API_URL: z.url().default('https://api.spotify.com/v1'),
  SPOTIFY_ACCOUNTS_URL: z.url().default('https://accounts.spotify.com'),
  SPOTIFY_MARKET: optionalText,
  SPOTIFY_CONCURRENCY: int(1, 32).default(4),
  SPOTIFY_TIMEOUT_MS: int(100, 60_000).default(5_000),
  LINK_CACHE_TTL_DAYS: num(0, 3650).default(30),
  LINK_MISS_TTL_HOURS: num(0, 8760).default(24),

  REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
  /** Refuse to run on a Redis that may evict keys (BullMQ loses jobs); `warn` only logs. */
  /** BullMQ key prefix: lets several deployments (or test runs) share one Redis. */
  QUEUE_PREFIX: z
    .string()
    .regex(/^[\w-]{1,40}$/)
    .default('sonic-mood'),
  REDIS_EVICTION_CHECK: z.enum(['refuse', 'warn']).default('refuse'),
  WORKER_CONCURRENCY: int(1, 64).default(4),
  JOB_ATTEMPTS: int(1, 10).default(3),
  /** How long a worker holds a job before others presume it dead and run it again. */
  WORKER_LOCK_MS: int(1000, 600_000).default(30_000),
  /** Port of /healthz and /metrics in every long-running process; 0 turns them off. */
  HEALTH_PORT: int(0, 65535).default(8080),
  COOLDOWN_SECONDS: int(0, 3600).default(10),
  GROUP_HOURLY_CAP: int(1, 100_000).default(120),

  /**
   * Who may re-index or cancel: `discord:<user id>`, `slack:<user id>` (and `cli:<name>` for jobs a script
   * enqueues), comma-separated. The worker checks it again before it runs a job.
   */
  OPERATOR_IDS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(
      z.array(
        z
          .string()
          .regex(/^(discord|slack|cli):[\w-]{1,40}$/, 'expected discord:<id>, slack:<id> or cli:<name>'),
      ),
    ),
  DISCORD_TOKEN: optionalText,
  DISCORD_APPLICATION_ID: optionalText,
  DISCORD_API_URL: z.url().default('https://discord.com/api'),

  SLACK_BOT_TOKEN: optionalText,
  SLACK_SIGNING_SECRET: optionalText,
  /** App-level token (xapp-…) for Socket Mode. */
  SLACK_APP_TOKEN: optionalText,
  SLACK_MODE: z.enum(['socket', 'http']).default('socket'),
  SLACK_PORT: int(1, 65535).default(3000),
  SLACK_API_URL: z.url().default('https://slack.com/api/'),
});

/** Every environment variable the configuration reads (documented in `.env.example`). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(EnvSchema.shape);

export interface Config {
  readonly databaseUrl: string | undefined;
  /** Read replicas of `databaseUrl` for searches; empty for none. */
  readonly databaseReplicaUrls: readonly string[];
  readonly databasePoolMax: number;
  /** Bytes a vector-index build may take on the server (the IVFFlat lists are fitted to it). */
  readonly indexBuildMemoryBytes: number;
  readonly dataDir: string;
  readonly pgliteDir: string;
  readonly cacheDir: string;
  readonly logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
  readonly models: {
    readonly embeddingProvider: 'local' | 'openai';
    readonly writerProvider: 'local' | 'openai';
    readonly baseUrl: string;
    readonly apiKey: string | undefined;
    readonly embeddingModel: string;
    readonly embeddingDimensions: number;
    readonly queryInstruction: string;
    readonly chatModel: string;
    readonly timeoutMs: number;
    readonly maxRetries: number;
    /** HyDE and title from a remote model give way to the local writer after this long. */
    readonly writerDeadlineMs: number;
  };
  readonly recommend: {
    readonly hydeEnabled: boolean;
    readonly hydeWeight: number;
    readonly candidatePool: number;
    readonly maxPerArtist: number;
    readonly popularityWeight: number;
  };
  readonly queue: {
    readonly redisUrl: string;
    readonly prefix: string;
    readonly evictionCheck: 'refuse' | 'warn';
    readonly concurrency: number;
    readonly attempts: number;
    readonly lockMs: number;
    readonly healthPort: number;
    readonly cooldownSeconds: number;
    readonly groupHourlyCap: number;
  };
  /** Operators of the shared catalog (not any one server's admins), as `platform:userId`. */
  readonly operators: ReadonlySet<string>;
  readonly discord: {
    readonly token: string | undefined;
    readonly applicationId: string | undefined;
    readonly apiUrl: string;
  };
  readonly slack: {
    readonly botToken: string | undefined;
    readonly signingSecret: string | undefined;
    readonly appToken: string | undefined;
    readonly mode: 'socket' | 'http';
    readonly port: number;
    readonly apiUrl: string;
  };
  readonly spotify: {
    readonly clientId: string | undefined;
    readonly clientSecret: string | undefined;
    readonly apiUrl: string;
    readonly accountsUrl: string;
    readonly market: string | undefined;
    readonly concurrency: number;
    readonly timeoutMs: number;
    readonly hitTtlSeconds: number;
    readonly missTtlSeconds: number;
  };
}

/** Parses the environment; throws `MoodError(ConfigInvalid)` listing every problem at once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new MoodError(
      MoodErrorCode.ConfigInvalid,
      `Invalid configuration:\n  - ${problems.join('\n  - ')}`,
    );
  }
  const e = parsed.data;
  const problems: string[] = [];
  const usesOpenAI = e.EMBEDDING_PROVIDER === 'openai' || e.WRITER_PROVIDER === 'openai';
  if (usesOpenAI && !e.OPENAI_API_KEY) problems.push('OPENAI_API_KEY: required when a provider is "openai"');
  if (e.DATABASE_REPLICA_URLS.length > 0 && !e.DATABASE_URL) {
    problems.push('DATABASE_REPLICA_URLS: needs DATABASE_URL (the embedded PGlite has no replicas)');
  }
  if (Boolean(e.SPOTIFY_CLIENT_ID) !== Boolean(e.SPOTIFY_CLIENT_SECRET)) {
    problems.push('SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET: set both or neither');
  }
  if (problems.length > 0) {
    throw new MoodError(
      MoodErrorCode.ConfigInvalid,
      `Invalid configuration:\n  - ${problems.join('\n  - ')}`,
    );
  }
  const dataDir = path.resolve(e.SONIC_MOOD_DATA_DIR);
  return {
    databaseUrl: e.DATABASE_URL,
    databaseReplicaUrls: e.DATABASE_REPLICA_URLS,
    databasePoolMax: e.DATABASE_POOL_MAX,
    indexBuildMemoryBytes: e.INDEX_BUILD_MEMORY,
    dataDir,
    pgliteDir: path.join(dataDir, 'pglite'),
    cacheDir: path.join(dataDir, 'cache'),
    logLevel: e.LOG_LEVEL,
    models: {
      embeddingProvider: e.EMBEDDING_PROVIDER,
      writerProvider: e.WRITER_PROVIDER,
      baseUrl: e.OPENAI_BASE_URL,
      apiKey: e.OPENAI_API_KEY,
      embeddingModel: e.EMBEDDING_MODEL,
      embeddingDimensions: e.EMBEDDING_DIMENSIONS,
      queryInstruction: e.EMBEDDING_QUERY_INSTRUCTION,
      chatModel: e.CHAT_MODEL,
      timeoutMs: e.MODEL_TIMEOUT_MS,
      maxRetries: e.MODEL_MAX_RETRIES,
      writerDeadlineMs: e.WRITER_DEADLINE_MS,
    },
    recommend: {
      hydeEnabled: e.HYDE_ENABLED,
      hydeWeight: e.HYDE_WEIGHT,
      candidatePool: e.CANDIDATE_POOL,
      maxPerArtist: e.MAX_PER_ARTIST,
      popularityWeight: e.POPULARITY_WEIGHT,
    },
    queue: {
      redisUrl: e.REDIS_URL,
      prefix: e.QUEUE_PREFIX,
      evictionCheck: e.REDIS_EVICTION_CHECK,
      concurrency: e.WORKER_CONCURRENCY,
      attempts: e.JOB_ATTEMPTS,
      lockMs: e.WORKER_LOCK_MS,
      healthPort: e.HEALTH_PORT,
      cooldownSeconds: e.COOLDOWN_SECONDS,
      groupHourlyCap: e.GROUP_HOURLY_CAP,
    },
    operators: new Set(e.OPERATOR_IDS),
    discord: {
      token: e.DISCORD_TOKEN,
      applicationId: e.DISCORD_APPLICATION_ID,
      apiUrl: e.DISCORD_API_URL,
    },
    slack: {
      botToken: e.SLACK_BOT_TOKEN,
      signingSecret: e.SLACK_SIGNING_SECRET,
      appToken: e.SLACK_APP_TOKEN,
      mode: e.SLACK_MODE,
      port: e.SLACK_PORT,
      apiUrl: e.SLACK_API_URL,
    },
    spotify: {
      clientId: e.SPOTIFY_CLIENT_ID,
      clientSecret: e.SPOTIFY_CLIENT_SECRET,
      apiUrl: e.SPOTIFY_API_URL,
      accountsUrl: e.SPOTIFY_ACCOUNTS_URL,
      market: e.SPOTIFY_MARKET,
      concurrency: e.SPOTIFY_CONCURRENCY,
      timeoutMs: e.SPOTIFY_TIMEOUT_MS,
      hitTtlSeconds: Math.round(e.LINK_CACHE_TTL_DAYS * 86_400),
      missTtlSeconds: Math.round(e.LINK_MISS_TTL_HOURS * 3_600),
    },
  };
}

/** Settings a process cannot run without, by the environment variable a user sets. */
const REQUIRED: Record<'discord' | 'slack', readonly (readonly [string, (c: Config) => unknown])[]> = {
  discord: [
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
