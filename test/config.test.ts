import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES, ENV_SCHEMA, loadConfig, logLevelFor } from '../core/config.ts';
import { isMoodError } from '../core/errors.ts';

describe('configuration', () => {
  it('runs on defaults with an empty environment: embedded database, local models, no Spotify', () => {
    const config = loadConfig({});
    expect(config.databaseUrl).toBeUndefined();
    expect(config.models.embeddingProvider).toBe('local');
    expect(config.spotify.clientId).toBeUndefined();
  });

  it('puts each variable where the code reads it, converted: sizes in bytes, TTLs in seconds, operators as a set', () => {
    const config = loadConfig({
      INDEX_BUILD_MEMORY: '512MB',
      LINK_CACHE_TTL_DAYS: '2',
      LINK_MISS_TTL_HOURS: '0.5',
      OPERATOR_IDS: 'discord:123, slack:U1',
      QUEUE_PREFIX: 'blue',
      SLACK_MODE: 'http',
      HYDE_ENABLED: 'no',
      SONIC_MOOD_DATA_DIR: 'data-dir',
    });
    expect(config.indexBuildMemoryBytes).toBe(512 * 1024 ** 2);
    expect([config.spotify.hitTtlSeconds, config.spotify.missTtlSeconds]).toEqual([172_800, 1_800]);
    expect(config.operators).toEqual(new Set(['discord:123', 'slack:U1']));
    expect([config.queue.prefix, config.slack.mode, config.recommend.hydeEnabled]).toEqual([
      'blue',
      'http',
      false,
    ]);
    expect(config.cacheDir).toBe(path.resolve('data-dir', 'cache'));
    const defaults = loadConfig({});
    expect(defaults.queue).toMatchObject({ prefix: 'sonic-mood', attempts: 3, healthPort: 8080 });
    expect(defaults.models.embeddingDimensions).toBe(1024);
    expect(defaults.indexBuildMemoryBytes).toBe(1024 ** 3);
  });

  it('lists every problem at once, naming the variables', () => {
    const error = (() => {
      try {
        loadConfig({ EMBEDDING_PROVIDER: 'openai', HYDE_WEIGHT: '3', SPOTIFY_CLIENT_ID: 'id-only' });
      } catch (e) {
        return e;
      }
    })();
    expect(isMoodError(error, 'ConfigInvalid')).toBe(true);
    expect(String((error as Error).message)).toMatch(/HYDE_WEIGHT/);
    // Schema problems are reported first; once they are fixed the cross-field ones appear together.
    const next = (() => {
      try {
        loadConfig({ EMBEDDING_PROVIDER: 'openai', SPOTIFY_CLIENT_ID: 'id-only' });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(next?.message).toMatch(/OPENAI_API_KEY/);
    expect(next?.message).toMatch(/SPOTIFY_CLIENT_SECRET/);
  });

  it('reads read replicas as a comma-separated list, names a bad entry in one line without echoing it, and needs DATABASE_URL', () => {
    const primary = 'postgres://sonic:secret@primary:5432/sonic_mood';
    expect(loadConfig({}).databaseReplicaUrls).toEqual([]);
    expect(
      loadConfig({
        DATABASE_URL: primary,
        DATABASE_REPLICA_URLS: ' postgres://sonic:secret@r1:5432/sonic_mood, postgresql://r2/sonic_mood ,',
      }).databaseReplicaUrls,
    ).toEqual(['postgres://sonic:secret@r1:5432/sonic_mood', 'postgresql://r2/sonic_mood']);
    const problem = (env: Record<string, string>) => {
      try {
        loadConfig(env);
      } catch (e) {
        return (e as Error).message;
      }
      return expect.fail('accepted');
    };
    const bad = problem({
      DATABASE_URL: primary,
      DATABASE_REPLICA_URLS: 'postgres://r1/db,http://sonic:hunter2@r2/db',
    });
    expect(bad).toBe(
      'Invalid configuration:\n  - DATABASE_REPLICA_URLS: entry 2 of 2 is not a postgres:// or postgresql:// URL with a host',
    );
    expect(bad).not.toMatch(/hunter2/);
    expect(problem({ DATABASE_REPLICA_URLS: 'postgres://r1/db' })).toMatch(
      /DATABASE_REPLICA_URLS: needs DATABASE_URL \(the embedded PGlite has no replicas\)/,
    );
  });

  it(".env.example's values are the defaults: copying it to .env changes nothing", async () => {
    const example = await readFile('.env.example', 'utf8');
    const values = Object.fromEntries(
      [...example.matchAll(/^([A-Z_]+)=(.*)$/gm)].map((m) => [m[1] ?? '', m[2] ?? '']),
    );
    const drifted = CONFIG_VARIABLES.filter((name) => {
      const schema = ENV_SCHEMA.shape[name];
      if (!schema || !(name in values)) return true;
      const fromExample = schema.safeParse(values[name]);
      return !fromExample.success || !isDeepStrictEqual(fromExample.data, schema.parse(undefined));
    });
    expect(drifted, 'variables whose .env.example value is not their default').toEqual([]);
    expect(loadConfig(values)).toEqual(loadConfig({}));
  });

  it('logs at LOG_LEVEL, or quietly for a command a person runs and at info for a service', () => {
    expect(logLevelFor(loadConfig({}), 'command')).toBe('warn');
    expect(logLevelFor(loadConfig({}), 'service')).toBe('info');
    expect(logLevelFor(loadConfig({ LOG_LEVEL: 'debug' }), 'command')).toBe('debug');
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
  });

  it('.env.example documents every variable the configuration reads', async () => {
    const example = await readFile('.env.example', 'utf8');
    const documented = [...example.matchAll(/^([A-Z_]+)=/gm)].map((m) => m[1]);
    expect([...documented].sort()).toEqual([...CONFIG_VARIABLES].sort());
  });
});
