/** `/healthz` names each check's state, and the log keeps why one failed (once, not on every probe). */
import { describe, expect, it } from 'vitest';
import { startHealthServer } from '../cli/health-server.ts';
import { createMetrics } from '../workers/metrics.ts';

describe('/healthz', () => {
  it('answers 503 naming the failing check, and logs its error once until it recovers', async () => {
    const logged: { level: string; obj: Record<string, unknown>; msg: string }[] = [];
    const record = (level: string) => (obj: object, msg: string) =>
      void logged.push({ level, obj: obj as Record<string, unknown>, msg });
    let down = true;
    const server = await startHealthServer(
      await freePort(),
      {
        redis: async () => {
          if (down) throw new Error('connect ECONNREFUSED 127.0.0.1:6390');
        },
        database: async () => undefined,
      },
      createMetrics(),
      { warn: record('warn'), info: record('info'), error: record('error') },
    );
    try {
      const probe = async () => {
        const response = await fetch(`http://127.0.0.1:${server.port}/healthz`);
        return { status: response.status, body: await response.json() };
      };
      expect(await probe()).toEqual({
        status: 503,
        body: { ok: false, checks: { redis: 'unreachable', database: 'ok' } },
      });
      await probe();
      const failures = logged.filter((l) => l.msg === 'health check failing');
      expect(failures).toHaveLength(1);
      expect(failures[0]?.obj).toMatchObject({ check: 'redis', state: 'unreachable' });
      expect(failures[0]?.obj.err).toMatchObject({ message: 'connect ECONNREFUSED 127.0.0.1:6390' });
      down = false;
      expect((await probe()).status).toBe(200);
      expect(logged.map((l) => l.msg)).toEqual(['health check failing', 'health check ok again']);
    } finally {
      await server.close();
    }
  });
});

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const probe = createServer().listen(0, () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
