/**
 * Slack's replay protection: an app must reject a request whose `X-Slack-Request-Timestamp` is more than five
 * minutes from its own clock, in either direction. https://docs.slack.dev/authentication/verifying-requests-from-slack
 * Bolt's verifier only rejects old timestamps, so a signed request dated ahead (a captured one replayed by
 * someone who can sign ahead of time, or a badly wrong clock) would pass; this check runs in front of it.
 */
import type { IncomingMessage, RequestListener } from 'node:http';

export const MAX_REQUEST_SKEW_SECONDS = 5 * 60;

export function isTimelySlackRequest(
  timestampHeader: string | string[] | undefined,
  nowMs = Date.now(),
): boolean {
  if (typeof timestampHeader !== 'string' || !/^\d{1,12}$/.test(timestampHeader)) return false;
  return Math.abs(nowMs / 1000 - Number(timestampHeader)) <= MAX_REQUEST_SKEW_SECONDS;
}

/**
 * Wraps an HTTP receiver's listener: POSTs to `eventsPath` that are not timely get 401 with no body (what Bolt
 * answers a bad signature) and never reach Bolt; other routes (`/healthz`, unsigned by design) pass through.
 */
export function rejectUntimelyRequests(listener: RequestListener, eventsPath: string): RequestListener {
  return (req: IncomingMessage, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (
      req.method === 'POST' &&
      path === eventsPath &&
      !isTimelySlackRequest(req.headers['x-slack-request-timestamp'])
    ) {
      req.resume();
      res.writeHead(401).end();
      return;
    }
    listener(req, res);
  };
}
