import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES, loadConfig } from '../core/config.ts';
import { isMoodError } from '../core/errors.ts';

describe('configuration', () => {
  it('runs on defaults with an empty environment: embedded database, local models, no Spotify', () => {
    const config = loadConfig({});
    expect(config.databaseUrl).toBeUndefined();
    expect(config.models.embeddingProvider).toBe('local');
    expect(config.spotify.clientId).toBeUndefined();
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

  it('.env.example documents every variable the configuration reads', async () => {
    const example = await readFile('.env.example', 'utf8');
    const documented = [...example.matchAll(/^([A-Z_]+)=/gm)].map((m) => m[1]);
    expect([...documented].sort()).toEqual([...CONFIG_VARIABLES].sort());
  });
});
