/** Bolt, its Socket Mode client and the Web API client log through the process's pino logger. */
import { LogLevel, type Logger as SlackLogger } from '@slack/bolt';
import type { Logger } from 'pino';

const SEVERITY: Record<LogLevel, number> = {
  [LogLevel.ERROR]: 3,
  [LogLevel.WARN]: 2,
  [LogLevel.INFO]: 1,
  [LogLevel.DEBUG]: 0,
};

/**
 * Never below INFO, whatever is asked: the Slack libraries' debug lines print request and envelope bodies,
 * and those hold response_urls and tokens.
 */
export function slackLogger(log: Logger): SlackLogger {
  let level = LogLevel.INFO;
  const write =
    (at: LogLevel, method: 'info' | 'warn' | 'error') =>
    (...msg: unknown[]) => {
      if (SEVERITY[at] >= SEVERITY[level]) log[method]({ source: 'slack' }, msg.map(String).join(' '));
    };
  return {
    debug: () => {},
    info: write(LogLevel.INFO, 'info'),
    warn: write(LogLevel.WARN, 'warn'),
    error: write(LogLevel.ERROR, 'error'),
    setLevel: (next) => {
      level = next === LogLevel.DEBUG ? LogLevel.INFO : next;
    },
    getLevel: () => level,
    setName: () => {},
  };
}
