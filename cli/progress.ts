/** Terminal progress bars (cli-progress) for ingest and embedding; silent when stderr is not a terminal. */
import cliProgress from 'cli-progress';

export interface ProgressBar {
  update(done: number, total: number, extra?: Record<string, string | number>): void;
  stop(): void;
}

export function progressBar(label: string, unit: string): ProgressBar {
  if (!process.stderr.isTTY) {
    return { update() {}, stop() {} };
  }
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} |{bar}| {percentage}% · {value}/{total} ${unit} · {rate} ${unit}/s · ETA {eta_formatted}`,
      stream: process.stderr,
      hideCursor: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = Date.now();
  let running = false;
  return {
    update(done, total, extra = {}) {
      const rate = Math.round(done / Math.max(0.001, (Date.now() - started) / 1000));
      if (!running) {
        bar.start(total, done, { rate, ...extra });
        running = true;
      } else {
        bar.setTotal(total);
        bar.update(done, { rate, ...extra });
      }
    },
    stop() {
      if (running) bar.stop();
    },
  };
}
