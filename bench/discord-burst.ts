/**
 * The Discord burst (`npm run bench:discord`, or `tsx bench/discord-burst.ts` alone): 2,000 `/mood`
 * interactions spread over one second, and 2,000 at one instant, sent by the fake Discord to real
 * `sonic-mood discord` processes — one over the gateway, or two in HTTP mode behind one Interactions Endpoint
 * URL (loopback, Ed25519-signed, the fake taking turns as a load balancer would) — with one and with two
 * `sonic-mood worker` processes on native PostgreSQL + Redis. Reports how many were deferred within Discord's
 * 3 seconds, delivered, delivered twice, request → playlist p50/p95, and the CPU each part used, to say which
 * resource bounds the run. Prints a table; figures, not assertions.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import pino from 'pino';
import { openApp } from '../cli/app.ts';
import { DEMO_CATALOG } from '../cli/catalog-setup.ts';
import { loadConfig } from '../core/config.ts';
import { activate } from '../db/embedding-models.ts';
import { backfillEmbeddings } from '../db/embeddings.ts';
import { ingestCatalog } from '../db/ingest/catalog.ts';
import { type FakeDiscord, type FakeInteraction, startFakeDiscord } from '../test/fakes/discord-server.ts';
import { createPostgresDatabase } from '../test/support/databases.ts';
import { SAMPLE_MOODS } from '../test/support/moods.ts';
import { freePort, type RunningProcess, startSonicMood } from '../test/support/processes.ts';
import { dropPrefix, REDIS_URL, testPrefix } from '../test/support/redis.ts';

const BURST = Number(process.env.BURST_SIZE ?? 2_000);
const WORKER_CONCURRENCY = process.env.BURST_WORKER_CONCURRENCY ?? '8';
const TOKEN = 'bench-bot-token.ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const APP_ID = '300000000000000077';
const GUILD_ID = '400000000000000077';
const WORKER_NICE = Number(process.env.BURST_WORKER_NICE ?? 10);
/** Give up on a run when no playlist arrived for this long. */
const STALL_MS = 30_000;

type Shape = 'over 1 s' | 'one instant';
type BotSetup = 'gateway ×1' | 'http ×2';

interface RunResult {
  readonly bots: BotSetup;
  readonly workers: number;
  readonly shape: Shape;
  readonly deferredIn3s: number;
  readonly delivered: number;
  readonly duplicates: number;
  readonly p50: number;
  readonly p95: number;
  readonly rate: number;
  readonly cpu: Record<string, number>;
  readonly wallSeconds: number;
}

/** CPU seconds a process has used (utime + stime, /proc/<pid>/stat). */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** PIDs of every process whose command name starts with `name` (the PostgreSQL backends, redis-server). */
function pidsNamed(name: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim().startsWith(name)) pids.push(Number(entry));
    } catch {
      // gone between readdir and read
    }
  }
  return pids;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

function moodFor(fake: FakeDiscord, i: number, run: number): FakeInteraction {
  return fake.chatInput({
    name: 'mood',
    options: [{ name: 'mood', type: 3, value: SAMPLE_MOODS[i % SAMPLE_MOODS.length] ?? 'sad' }],
    userId: String(800000000000000000n + BigInt(run * 100_000 + i)),
  });
}

async function burst(
  fake: FakeDiscord,
  shape: Shape,
  run: number,
  parts: Record<string, () => number[]>,
): Promise<Omit<RunResult, 'bots' | 'workers' | 'shape'>> {
  const interactions = Array.from({ length: BURST }, (_, i) => moodFor(fake, i, run));
  const sentAt = new Map<string, number>();
  const editsBefore = fake.edits.length;
  // Per process: backends that start during the run count from zero, ones that end are lost (a small undercount).
  const cpuBefore = new Map(
    Object.values(parts)
      .flatMap((pids) => pids())
      .map((pid) => [pid, cpuSeconds(pid)]),
  );
  const benchBefore = process.cpuUsage();
  const started = Date.now();
  if (shape === 'one instant') {
    for (const interaction of interactions) {
      sentAt.set(interaction.token, Date.now());
      fake.dispatchInteraction(interaction);
    }
  } else {
    // 20 every 10 ms: 2,000 over one second.
    const perTick = Math.max(1, Math.round(BURST / 100));
    for (let i = 0; i < interactions.length; i += perTick) {
      for (const interaction of interactions.slice(i, i + perTick)) {
        sentAt.set(interaction.token, Date.now());
        fake.dispatchInteraction(interaction);
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  const tokens = new Set(interactions.map((i) => i.token));
  const playlists = () =>
    fake.edits.slice(editsBefore).filter((e) => tokens.has(e.token) && e.message.embeds.length);
  let seen = 0;
  let lastProgress = Date.now();
  for (;;) {
    await new Promise((r) => setTimeout(r, 250));
    const now = playlists().length;
    if (now !== seen) {
      seen = now;
      lastProgress = Date.now();
    }
    const deferred = fake.callbacks.filter((c) => tokens.has(c.token) && c.type === 5).length;
    if (seen >= deferred && Date.now() - started > 5_000) break;
    if (Date.now() - lastProgress > STALL_MS) break;
  }
  // A duplicate would be a second playlist edit for one token: give it a moment to show.
  await new Promise((r) => setTimeout(r, 2_000));
  const wallSeconds = (Date.now() - started) / 1000;

  const ids = new Map(interactions.map((i) => [i.id, i.token]));
  const deferredIn3s = new Set(
    fake.callbacks
      .filter((c) => ids.has(c.interactionId) && c.type === 5)
      .filter((c) => c.at - (sentAt.get(c.token) ?? 0) <= 3_000)
      .map((c) => c.token),
  ).size;
  const first = new Map<string, number>();
  const counts = new Map<string, number>();
  for (const edit of playlists()) {
    counts.set(edit.token, (counts.get(edit.token) ?? 0) + 1);
    if (!first.has(edit.token)) first.set(edit.token, edit.at);
  }
  const latencies = [...first].map(([token, at]) => at - (sentAt.get(token) ?? at)).sort((a, b) => a - b);
  const firstAt = Math.min(...first.values());
  const lastAt = Math.max(...first.values());
  const bench = process.cpuUsage(benchBefore);
  const cpu: Record<string, number> = {
    'fake Discord (bench)': (bench.user + bench.system) / 1e6 / wallSeconds,
  };
  for (const [name, pids] of Object.entries(parts)) {
    const used = pids().reduce(
      (sum, pid) => sum + Math.max(0, cpuSeconds(pid) - (cpuBefore.get(pid) ?? 0)),
      0,
    );
    cpu[name] = used / wallSeconds;
  }
  return {
    deferredIn3s,
    delivered: first.size,
    duplicates: [...counts.values()].filter((n) => n > 1).length,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    rate: first.size > 1 ? first.size / ((lastAt - firstAt) / 1000) : Number.NaN,
    cpu,
    wallSeconds,
  };
}

function boundBy(result: RunResult): string {
  const cores = os.cpus().length;
  const total = Object.values(result.cpu).reduce((a, b) => a + b, 0);
  const [top, used] = Object.entries(result.cpu).sort((a, b) => b[1] - a[1])[0] ?? ['?', 0];
  const machine =
    total >= cores * 0.85
      ? `CPU: ${total.toFixed(2)} of ${cores} cores busy`
      : `${total.toFixed(2)} of ${cores} cores busy`;
  return `${machine}; most: ${top} ${used.toFixed(2)}`;
}

export async function runDiscordBurst(): Promise<void> {
  const loadAtStart = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  const database = await createPostgresDatabase();
  const prefix = testPrefix();
  const env: Record<string, string> = {
    DATABASE_URL: String(database.url),
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    COOLDOWN_SECONDS: '0',
    GROUP_HOURLY_CAP: '100000',
    WORKER_CONCURRENCY,
    LOG_LEVEL: 'warn',
  };
  const setup = await openApp(loadConfig(env), pino({ level: 'silent' }));
  await ingestCatalog(setup.db, DEMO_CATALOG);
  const { modelId } = await backfillEmbeddings(setup.db, setup.providers.embedder);
  await activate(setup.db, modelId);
  await setup.close();

  const fake = await startFakeDiscord({ botToken: TOKEN, applicationId: APP_ID, guilds: [GUILD_ID] });
  const discordEnv = {
    ...env,
    DISCORD_API_URL: fake.restUrl,
    DISCORD_APPLICATION_ID: APP_ID,
    DISCORD_TOKEN: TOKEN,
  };
  const results: RunResult[] = [];
  const running: RunningProcess[] = [];
  const stop = async (processes: RunningProcess[]) => {
    for (const p of processes) p.child.kill('SIGTERM');
    await Promise.all(processes.map((p) => p.exited()));
    for (const p of processes) running.splice(running.indexOf(p), 1);
  };
  const pidsOf = (processes: RunningProcess[]) => () => processes.map((p) => p.child.pid ?? 0);
  let run = 0;
  try {
    for (const workerCount of [1, 2]) {
      const workers: RunningProcess[] = [];
      for (let i = 0; i < workerCount; i++) {
        const port = await freePort();
        workers.push(
          await startSonicMood(
            ['worker'],
            // The worker answers through the interaction webhooks of the fake Discord.
            { ...env, DISCORD_API_URL: fake.restUrl, HEALTH_PORT: String(port), LOG_LEVEL: 'info' },
            'worker ready',
            120_000,
          ),
        );
      }
      // On a deployment the workers run on instances of their own; sharing this machine's cores with the bots,
      // they yield to them (nice 10), so the 3-second acknowledgements are not decided by who the scheduler
      // picks. PostgreSQL and Redis keep their priority.
      for (const worker of workers) os.setPriority(worker.child.pid ?? 0, WORKER_NICE);
      running.push(...workers);
      for (const bots of ['gateway ×1', 'http ×2'] as const) {
        const botProcesses: RunningProcess[] = [];
        if (bots === 'gateway ×1') {
          const port = await freePort();
          botProcesses.push(
            await startSonicMood(
              ['discord'],
              { ...discordEnv, HEALTH_PORT: String(port), LOG_LEVEL: 'info' },
              'discord bot ready',
            ),
          );
        } else {
          const urls: string[] = [];
          for (let i = 0; i < 2; i++) {
            const port = await freePort();
            botProcesses.push(
              await startSonicMood(
                ['discord'],
                {
                  ...env,
                  DISCORD_API_URL: fake.restUrl,
                  DISCORD_MODE: 'http',
                  DISCORD_PUBLIC_KEY: fake.publicKey,
                  HEALTH_PORT: String(port),
                  LOG_LEVEL: 'info',
                },
                'discord interactions endpoint listening',
              ),
            );
            urls.push(`http://127.0.0.1:${port}/interactions`);
          }
          await fake.setInteractionsEndpoint(urls);
        }
        running.push(...botProcesses);
        const parts = {
          [bots === 'gateway ×1' ? 'bot' : 'bots (2)']: pidsOf(botProcesses),
          [workerCount === 1 ? 'worker' : 'workers (2)']: pidsOf(workers),
          redis: () => pidsNamed('redis-server'),
          postgres: () => pidsNamed('postgres'),
        };
        for (const shape of ['over 1 s', 'one instant'] as const) {
          run += 1;
          const result = { bots, workers: workerCount, shape, ...(await burst(fake, shape, run, parts)) };
          results.push(result);
          console.error(
            `${bots}, ${workerCount} worker(s), ${shape}: ${result.delivered}/${BURST} delivered`,
          );
        }
        await stop(botProcesses);
        await fake.setInteractionsEndpoint(null);
      }
      await stop(workers);
    }
  } finally {
    await stop([...running]).catch(() => {});
    await fake.close();
    await database.drop();
    await dropPrefix(prefix);
  }

  const out: string[] = [
    `# Discord burst: ${BURST} /mood interactions`,
    '',
    `- Command: \`npm run bench:discord -- --burst-only\` (BURST_SIZE=${BURST}, worker concurrency ${WORKER_CONCURRENCY}, ` +
      `workers at nice ${WORKER_NICE})`,
    `- Date: ${new Date().toISOString()}`,
    `- Machine: ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? '?'}, ${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB, ` +
      `Node ${process.version}; load average ${loadAtStart} at the start, ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')} ` +
      'at the end (other processes share this machine, and the PostgreSQL and Redis servers)',
    '- Loopback: the fake Discord (in the bench process) signs and POSTs, or dispatches over its gateway; real ' +
      '`sonic-mood discord` and `sonic-mood worker` processes; native PostgreSQL and Redis.',
    '',
    '| bots | workers | sent | deferred ≤ 3 s | delivered | duplicates | request → playlist p50 / p95 (ms) | playlists/s | bound by (cores busy) |',
    '| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | --- |',
    ...results.map(
      (r) =>
        `| ${r.bots} | ${r.workers} | ${r.shape} | ${r.deferredIn3s} | ${r.delivered} | ${r.duplicates} | ` +
        `${r.p50} / ${r.p95} | ${r.rate.toFixed(1)} | ${boundBy(r)} |`,
    ),
    '',
    'CPU per part (cores, averaged over each run):',
    '',
    ...results.map(
      (r) =>
        `- ${r.bots}, ${r.workers} worker(s), ${r.shape}: ` +
        Object.entries(r.cpu)
          .map(([name, cores]) => `${name} ${cores.toFixed(2)}`)
          .join(', '),
    ),
  ];
  console.log(`\n${out.join('\n')}`);
  const dir = new URL('./results/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  writeFileSync(new URL(`discord-burst-${BURST}.md`, dir), `${out.join('\n')}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) await runDiscordBurst();
