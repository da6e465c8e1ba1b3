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

/** `GET /healthz`: 200 when every check answers within 2 s, else 503; `GET /metrics`: Prometheus text. */
export function createHealthHandler(checks: Record<string, HealthCheck>, metrics: Metrics): HealthHandler {
  return (req, res) => {
    void (async () => {
      const path = (req.url ?? '/').split('?')[0];
      if (req.method === 'GET' && path === '/healthz') {
        const results = await Promise.all(
          Object.entries(checks).map(async ([name, check]) => {
            try {
              await withTimeout(check(), 2_000);
              return [name, 'ok'] as const;
            } catch {
              // The reason stays in the logs: it may carry a connection string.
              return [name, 'unreachable'] as const;
            }
          }),
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
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  };
}

/** Serves on `port` (0 turns it off). */
export async function startHealthServer(
  port: number,
  checks: Record<string, HealthCheck>,
  metrics: Metrics,
): Promise<HealthServer> {
  if (port === 0) return { port: undefined, close: async () => {} };
  const server = createServer(createHealthHandler(checks, metrics));
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

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref()),
  ]);
}
