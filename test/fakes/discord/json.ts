/** JSON shapes: the object check and the lenient parse the fake uses on what applications send back. */
import { z } from 'zod';

export const JsonObject = z.record(z.string(), z.unknown());

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
