/** Prometheus metrics (prom-client), one registry per process; `/metrics` serves it. */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { StageTimings } from '../core/types.ts';

export interface Metrics {
  readonly registry: Registry;
  jobFinished(queue: string, status: string): void;
  stageTimings(timings: StageTimings): void;
  linkCache(hits: number, misses: number): void;
  /** A 👍 / 👎 that changed a member's vote on a playlist. */
  vote(platform: string, vote: 'up' | 'down'): void;
  /** Sampled on every scrape. */
  trackQueueDepth(queue: string, depth: () => Promise<number>): void;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const jobs = new Counter({
    name: 'sonic_mood_jobs_total',
    help: 'Jobs finished, by queue and outcome (delivered, failed, expired, undelivered, unconfirmed, error)',
    labelNames: ['queue', 'status'],
    registers: [registry],
  });
  const stages = new Histogram({
    name: 'sonic_mood_stage_seconds',
    help: 'Latency of each recommendation stage',
    labelNames: ['stage'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const cache = new Counter({
    name: 'sonic_mood_link_cache_total',
    help: 'Spotify link cache lookups, by result (hit, miss)',
    labelNames: ['result'],
    registers: [registry],
  });
  const votes = new Counter({
    name: 'sonic_mood_feedback_votes_total',
    help: 'Playlist votes recorded (a repeated vote is not counted), by platform and vote (up, down)',
    labelNames: ['platform', 'vote'],
    registers: [registry],
  });
  const depths = new Map<string, () => Promise<number>>();
  new Gauge({
    name: 'sonic_mood_queue_depth',
    help: 'Jobs waiting, delayed or active, by queue',
    labelNames: ['queue'],
    registers: [registry],
    async collect() {
      for (const [queue, depth] of depths) {
        // A scrape must answer while Redis is away (that is when it matters); NaN says "unknown", and the
        // outage itself is logged once by the connection (workers/redis.ts).
        this.set({ queue }, await depth().catch(() => Number.NaN));
      }
    },
  });
  return {
    registry,
    jobFinished: (queue, status) => jobs.inc({ queue, status }),
    stageTimings(timings) {
      for (const [stage, ms] of Object.entries(timings)) {
        if (typeof ms === 'number') stages.observe({ stage }, ms / 1000);
      }
    },
    linkCache(hits, misses) {
      if (hits > 0) cache.inc({ result: 'hit' }, hits);
      if (misses > 0) cache.inc({ result: 'miss' }, misses);
    },
    vote: (platform, vote) => votes.inc({ platform, vote }),
    trackQueueDepth: (queue, depth) => depths.set(queue, depth),
  };
}
