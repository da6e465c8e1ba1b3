/**
 * Graceful shutdown on SIGTERM/SIGINT: every cleanup step runs even if one fails (BullMQ's `close()`
 * habit), in order, once. A second signal exits at once.
 */
import type { Logger } from 'pino';

export function onShutdown(log: Logger, steps: readonly (readonly [string, () => Promise<unknown>])[]): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'shutting down');
    let failed = false;
    for (const [name, step] of steps) {
      try {
        await step();
      } catch (error) {
        failed = true;
        log.error({ step: name, err: error }, 'shutdown step failed');
      }
    }
    log.info('stopped');
    process.exit(failed ? 1 : 0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}
