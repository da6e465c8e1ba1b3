/** The HTTP plumbing the fake Slack shares: JSON answers and the Web API's two body encodings. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed || res.writableEnded) return;
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The Web API fields that carry JSON inside a form field (the Node client JSON-encodes every object argument).
 * Only these are decoded: a user's `text` that happens to start with `[` or `{` stays text, as on Slack.
 */
const JSON_FIELDS = new Set(['blocks', 'attachments', 'view', 'metadata', 'unfurls', 'user_auth_blocks']);

const JsonObject = z.record(z.string(), z.unknown());

/** Form fields (objects JSON-encoded inside them) or a JSON body; unreadable JSON is kept as the raw string. */
export function parseApiBody(contentType: string, raw: string): Record<string, unknown> {
  if (contentType.startsWith('application/json')) {
    const parsed = JsonObject.safeParse(tryJson(raw || '{}'));
    return parsed.success ? parsed.data : {};
  }
  const body: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    body[key] = JSON_FIELDS.has(key) ? tryJson(value) : value;
  }
  return body;
}

export function tryJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    // Slack answers such a field with its own error (`invalid_blocks`, `invalid_arguments`); the method
    // handler sees a string where it wanted an object and says so.
    return raw;
  }
}
