/** The Discord processes' command lines: registration against the fake, and refusal without settings. */
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeDiscord, startFakeDiscord } from './fakes/discord-server.ts';
import { freePort } from './support/processes.ts';
import { dropPrefix } from './support/redis.ts';

const run = promisify(execFile);
const TOKEN = 'register-test-token.XYZ';
const APP = '310000000000000001';
let fake: FakeDiscord;

async function sonicMood(args: string[], env: Record<string, string>) {
  try {
    const { stdout, stderr } = await run('node', ['bin/sonic-mood.js', ...args], {
      env: { ...process.env, DISCORD_TOKEN: '', DISCORD_APPLICATION_ID: '', ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  fake = await startFakeDiscord({ botToken: TOKEN, applicationId: APP, guilds: ['410000000000000001'] });
});
afterAll(async () => fake?.close());

describe('sonic-mood discord:register', () => {
  it('registers /mood, /mood-admin and /mood-daily in one guild, with their options and limits', async () => {
    const result = await sonicMood(['discord:register', '--guild', '410000000000000001'], {
      DISCORD_TOKEN: TOKEN,
      DISCORD_APPLICATION_ID: APP,
      DISCORD_API_URL: fake.restUrl,
    });
    expect(result.stdout).toContain('registered 3 command(s) in guild 410000000000000001');
    const put = fake.commandPuts.at(-1);
    expect(put?.guildId).toBe('410000000000000001');
    const sent = put?.body as { name: string; options?: Record<string, unknown>[] }[] | undefined;
    const mood = sent?.find((c) => c.name === 'mood');
    expect(mood?.options?.map((o) => o.name)).toEqual(['mood', 'size', 'private']);
    expect(mood?.options?.[0]).toMatchObject({ required: true, max_length: 200 });
    expect(mood?.options?.[1]).toMatchObject({ min_value: 5, max_value: 25 });
    const admin = sent?.find((c) => c.name === 'mood-admin');
    expect(admin?.options?.map((o) => o.name)).toEqual(['reindex', 'status', 'cancel']);
    // Shown to members with Manage Channels (1 << 4) by default, in servers only.
    const daily = sent?.find((c) => c.name === 'mood-daily') as Record<string, unknown> | undefined;
    expect((daily?.options as { name: string }[] | undefined)?.map((o) => o.name)).toEqual([
      'set',
      'show',
      'stop',
    ]);
    expect(daily).toMatchObject({ default_member_permissions: '16', contexts: [0] });
  });

  it('registers globally without --guild', async () => {
    const result = await sonicMood(['discord:register'], {
      DISCORD_TOKEN: TOKEN,
      DISCORD_APPLICATION_ID: APP,
      DISCORD_API_URL: fake.restUrl,
    });
    expect(result.stdout).toContain('globally');
    expect(fake.commandPuts.at(-1)?.guildId).toBeNull();
  });
});

describe('sonic-mood discord without settings', () => {
  it('refuses to start and lists every missing variable, without a stack trace', async () => {
    const result = await sonicMood(['discord'], {});
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('DISCORD_TOKEN: required');
    expect(result.stderr).toContain('DISCORD_APPLICATION_ID: required');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('sonic-mood discord (the container command)', () => {
  it('connects to Discord, serves /healthz with Redis reachable, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const child = spawn('node', ['bin/sonic-mood.js', 'discord'], {
      env: {
        ...process.env,
        DISCORD_TOKEN: TOKEN,
        DISCORD_APPLICATION_ID: APP,
        DISCORD_API_URL: fake.restUrl,
        HEALTH_PORT: String(port),
        QUEUE_PREFIX: 'sm-test-discord-process',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    try {
      await fake.waitFor(() => output.includes('discord bot ready') || undefined, 30_000);
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ ok: true, checks: { redis: 'ok' } });
      expect(fake.identifies.length).toBeGreaterThan(0);
      child.kill('SIGTERM');
      expect(await new Promise((r) => child.once('exit', r))).toBe(0);
      expect(output).not.toContain(TOKEN);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 60_000);
});

describe('sonic-mood discord with DISCORD_MODE=http', () => {
  it('refuses to start without DISCORD_PUBLIC_KEY, or with one that is not 64 hex digits', async () => {
    const missing = await sonicMood(['discord'], { DISCORD_MODE: 'http', DISCORD_PUBLIC_KEY: '' });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('DISCORD_PUBLIC_KEY: required');
    // The interaction tokens authorise every reply: HTTP mode needs no bot token.
    expect(missing.stderr).not.toContain('DISCORD_TOKEN');
    const bad = await sonicMood(['discord'], { DISCORD_MODE: 'http', DISCORD_PUBLIC_KEY: 'not-a-key' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('DISCORD_PUBLIC_KEY: the 64 hex digits of General Information → Public Key');
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });

  it('serves /interactions and /healthz on HEALTH_PORT, passes the portal check, answers, stops on SIGTERM', async () => {
    const port = await freePort();
    const child = spawn('node', ['bin/sonic-mood.js', 'discord'], {
      env: {
        ...process.env,
        DISCORD_MODE: 'http',
        DISCORD_PUBLIC_KEY: fake.publicKey,
        DISCORD_TOKEN: '',
        DISCORD_APPLICATION_ID: '',
        DISCORD_API_URL: fake.restUrl,
        HEALTH_PORT: String(port),
        QUEUE_PREFIX: 'sm-test-discord-http-process',
        COOLDOWN_SECONDS: '0',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    try {
      await fake.waitFor(
        () => output.includes('discord interactions endpoint listening') || undefined,
        30_000,
      );
      await fake.setInteractionsEndpoint(`http://127.0.0.1:${port}/interactions`);
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(await health.json()).toEqual({ ok: true, checks: { redis: 'ok' } });
      const interaction = fake.chatInput({
        name: 'mood',
        options: [{ name: 'mood', type: 3, value: 'quiet snowfall' }],
        userId: '710000000000000001',
      });
      const delivery = await fake.postInteraction(interaction);
      expect(delivery).toMatchObject({ status: 200, outcome: 'acknowledged' });
      expect(fake.callbacks.find((c) => c.interactionId === interaction.id)).toMatchObject({
        via: 'endpoint',
        type: 5,
      });
      child.kill('SIGTERM');
      expect(await new Promise((r) => child.once('exit', r))).toBe(0);
      expect(output).not.toContain(interaction.token);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await fake.setInteractionsEndpoint(null);
      await dropPrefix('sm-test-discord-http-process');
    }
  }, 60_000);
});
