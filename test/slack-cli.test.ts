/**
 * `sonic-mood slack` as users run it (`node bin/sonic-mood.js slack`): refusal without settings or with a
 * refused token, and the HTTP-mode process answering a signed command, then stopping on SIGTERM.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUES } from '../workers/jobs.ts';
import { type FakeSlack, startFakeSlack } from './fakes/slack-server.ts';
import { freePort } from './support/processes.ts';
import { dropPrefix, REDIS_URL, testPrefix } from './support/redis.ts';
import { signedHeaders, slashCommandBody, triggerId } from './support/slack.ts';

const run = promisify(execFile);
const BOT_TOKEN = 'xoxb-cli-bot-token';
const SIGNING_SECRET = 'cli-signing-secret';
const CLEAN = { SLACK_BOT_TOKEN: '', SLACK_SIGNING_SECRET: '', SLACK_APP_TOKEN: '', HEALTH_PORT: '0' };

let slack: FakeSlack;
const prefix = testPrefix();
const children: ChildProcess[] = [];

beforeAll(async () => {
  slack = await startFakeSlack({ botToken: BOT_TOKEN });
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await slack?.close();
  await dropPrefix(prefix);
});

async function sonicMood(args: string[], env: Record<string, string>) {
  try {
    const { stdout, stderr } = await run('node', ['bin/sonic-mood.js', ...args], {
      env: { ...process.env, ...CLEAN, ...env },
      timeout: 30_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('sonic-mood slack', () => {
  it('refuses to start without its settings, naming each missing variable', async () => {
    const result = await sonicMood(['slack'], { SLACK_MODE: 'socket' });
    expect(result.code).toBe(1);
    for (const name of ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN'])
      expect(result.stderr).toContain(`${name}: required`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits with the reason when Slack refuses the bot token, and never prints the token', async () => {
    const result = await sonicMood(['slack'], {
      SLACK_MODE: 'http',
      SLACK_BOT_TOKEN: 'xoxb-revoked-token',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      QUEUE_PREFIX: prefix,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('invalid_auth');
    expect(`${result.stdout}${result.stderr}`).not.toContain('xoxb-revoked-token');
  });

  it('serves /slack/events in HTTP mode, acks a signed /mood, enqueues it, and stops on SIGTERM', async () => {
    const port = await freePort();
    let output = '';
    const child = spawn('node', ['bin/sonic-mood.js', 'slack'], {
      env: {
        ...process.env,
        ...CLEAN,
        SLACK_MODE: 'http',
        SLACK_PORT: String(port),
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: slack.apiUrl,
        QUEUE_PREFIX: prefix,
        REDIS_URL,
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    const deadline = Date.now() + 30_000;
    while (!output.includes('slack app listening')) {
      if (child.exitCode !== null || Date.now() > deadline)
        throw new Error(`slack did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }

    const trigger = triggerId();
    const responseUrl = slack.responseUrl();
    const body = slashCommandBody({ text: 'rainy sunday size:5', responseUrl, triggerId: trigger });
    const response = await fetch(`http://127.0.0.1:${port}/slack/events`, {
      method: 'POST',
      headers: signedHeaders(SIGNING_SECRET, body),
      body,
    });
    expect(await response.json()).toMatchObject({ response_type: 'ephemeral', text: /Brewing/ });

    const redis = new Redis(REDIS_URL);
    const jobs = new Queue(QUEUES.mood, { connection: redis, prefix });
    let job = await jobs.getJob(`slack-${trigger}`);
    for (let i = 0; i < 50 && !job; i++) {
      await new Promise((r) => setTimeout(r, 50));
      job = await jobs.getJob(`slack-${trigger}`);
    }
    expect(job?.data).toMatchObject({ mood: 'rainy sunday', size: 5, target: { platform: 'slack' } });
    await jobs.close();
    redis.disconnect();

    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    // Logs carry no token, signing secret or response_url.
    for (const secret of [BOT_TOKEN, SIGNING_SECRET, responseUrl]) expect(output).not.toContain(secret);
  });
});

describe('the shipped Slack app manifest', () => {
  it('declares the bot scopes, the slash commands, interactivity and Socket Mode', async () => {
    const manifest = await readFile('bots/slack/manifest.yml', 'utf8');
    const live = manifest
      .split('\n')
      .filter((line) => !line.trimStart().startsWith('#'))
      .join('\n');
    const scopes = /bot:\n((?:\s+- [\w:.]+\n?)+)/.exec(live)?.[1]?.match(/[\w:.]+/g);
    expect(scopes).toEqual(['commands', 'chat:write', 'chat:write.public', 'users:read']);
    expect(live.match(/- command: (\S+)/g)).toEqual([
      '- command: /mood',
      '- command: /mood-daily',
      '- command: /mood-admin',
    ]);
    expect(live).toMatch(/interactivity:\n\s+is_enabled: true/);
    expect(live).toMatch(/socket_mode_enabled: true/);
    // HTTP mode's URLs are documented, commented out, and all point at the app's one events path.
    expect(manifest.match(/# (?:url|request_url): https:\/\/\S+\/slack\/events/g)).toHaveLength(4);
  });
});
