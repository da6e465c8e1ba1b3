/**
 * Every process serves `/healthz` (its Redis and database answer) and `/metrics` (Prometheus) on
 * HEALTH_PORT, for docker-compose healthchecks, Render's health check and scraping. The request handling is
 * one function, {@link createHealthHandler}, that other HTTP servers mount too: the Slack app in HTTP mode
 * serves the same two paths on its public port, which is the one Render health-checks.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Metrics } from '../workers/metrics.ts';

export type HealthCheck = () => Promise<unknown>;

export interface HealthServer {
  readonly port: number | undefined;
  close(): Promise<void>;
}

/** The paths {@link createHealthHandler} answers (GET only); anything else is a 404. */
export const HEALTH_PATHS = ['/healthz', '/metrics'] as const;

export type HealthHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** What `/healthz` says of one check: `timeout` past 2 s, `unreachable` when it failed. */
type CheckState = 'ok' | 'timeout' | 'unreachable';

export interface HealthLog {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/**
 * `GET /healthz`: 200 when every check answers within 2 s, else 503; `GET /metrics`: Prometheus text.
 * The response names only the state of each check; why one failed goes to `log` (the error may carry a
 * connection string), once when the check starts failing and once when it recovers, not on every probe.
 */
export function createHealthHandler(
  checks: Record<string, HealthCheck>,
  metrics: Metrics,
  log?: HealthLog,
): HealthHandler {
  const failing = new Set<string>();
  const probe = async (name: string, check: HealthCheck): Promise<CheckState> => {
    try {
      await withTimeout(check(), CHECK_TIMEOUT_MS);
      if (failing.delete(name)) log?.info({ check: name }, 'health check ok again');
      return 'ok';
    } catch (error) {
      const state = error instanceof CheckTimeout ? 'timeout' : 'unreachable';
      if (!failing.has(name)) log?.warn({ check: name, state, err: error }, 'health check failing');
      failing.add(name);
      return state;
    }
  };
  return (req, res) => {
    void (async () => {
      const path = (req.url ?? '/').split('?')[0];
      if (req.method === 'GET' && path === '/healthz') {
        const results = await Promise.all(
          Object.entries(checks).map(async ([name, check]) => [name, await probe(name, check)] as const),
        );
        const ok = results.every(([, state]) => state === 'ok');
        res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok, checks: Object.fromEntries(results) }));
        return;
      }
      if (req.method === 'GET' && path === '/metrics') {
        res.writeHead(200, { 'content-type': metrics.registry.contentType });
        res.end(await metrics.registry.metrics());
        return;
      }
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"error":"not found"}');
    })().catch((error: unknown) => {
      // A metric collector that threw, or a client gone mid-answer.
      log?.error({ path: req.url, err: error }, 'health request failed');
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  };
}

/**
 * Serves on `port` (0 turns it off). `routes` are answered first, by path: the one port a web service exposes
 * also carries its public endpoint (Discord's `/interactions` in HTTP mode).
 */
export async function startHealthServer(
  port: number,
  checks: Record<string, HealthCheck>,
  metrics: Metrics,
  log?: HealthLog,
  routes: Readonly<Record<string, HealthHandler>> = {},
): Promise<HealthServer> {
  if (port === 0) return { port: undefined, close: async () => {} };
  const health = createHealthHandler(checks, metrics, log);
  const server = createServer((req, res) =>
    (routes[(req.url ?? '/').split('?')[0] ?? '/'] ?? health)(req, res),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`HEALTH_PORT ${port} is already in use by another process`, { cause: error })
          : error,
      ),
    );
    server.listen(port, resolve);
  });
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const CHECK_TIMEOUT_MS = 2_000;

class CheckTimeout extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = 'CheckTimeout';
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new CheckTimeout(ms)), ms).unref()),
  ]);
}
