/** Child processes for tests: free ports, and `sonic-mood` processes started as the container starts them. */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface RunningProcess {
  readonly child: ChildProcess;
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited(): Promise<number | null>;
  alive(): boolean;
}

/**
 * Spawns `node bin/sonic-mood.js <args>` with `env` over this process's environment, and waits until its
 * output contains `readyText`; throws with the output if it exits or takes longer than `timeoutMs`.
 */
export async function startSonicMood(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  readyText: string,
  timeoutMs = 60_000,
): Promise<RunningProcess> {
  let output = '';
  const child = spawn('node', ['bin/sonic-mood.js', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const running: RunningProcess = {
    child,
    output: () => output,
    exited: () => exit,
    alive: () => child.exitCode === null && child.signalCode === null,
  };
  const deadline = Date.now() + timeoutMs;
  while (!output.includes(readyText)) {
    if (!running.alive() || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`sonic-mood ${args.join(' ')} did not start:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return running;
}

export interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Runs `node bin/sonic-mood.js <args>` to its end (SIGKILLed after `timeoutMs`, code null) and returns what it printed. */
export async function runSonicMood(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  timeoutMs = 120_000,
): Promise<Finished> {
  const started = Date.now();
  const child = spawn('node', ['bin/sonic-mood.js', ...args], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));
  clearTimeout(timer);
  return { code, stdout, stderr, ms: Date.now() - started };
}
