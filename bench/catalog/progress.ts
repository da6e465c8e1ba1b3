/** Progress for long phases: a bar on a terminal (cli/progress.ts), a line every 15 s with rate and ETA otherwise. */
import { progressBar } from '../../cli/progress.ts';

export function log(message: string): void {
  console.log(`[${new Date().toISOString().slice(11, 19)}] ${message}`);
}

export interface PhaseProgress {
  update(done: number, total: number): void;
  stop(): void;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

export function phaseProgress(label: string, unit: string): PhaseProgress {
  if (process.stderr.isTTY) return progressBar(label, unit);
  const started = performance.now();
  let last = 0;
  return {
    update(done, total) {
      const now = performance.now();
      if (now - last < 15_000 && done < total) return;
      last = now;
      const rate = done / Math.max(0.001, (now - started) / 1000);
      const eta = rate > 0 && total > done ? `, ETA ${Math.round((total - done) / rate)} s` : '';
      log(`${label}: ${fmt(done)} / ${fmt(total)} ${unit} (${fmt(rate)} ${unit}/s${eta})`);
    },
    stop() {},
  };
}
