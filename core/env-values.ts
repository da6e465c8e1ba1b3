/**
 * How an environment variable's text becomes a value: booleans, blank-as-unset text, bounded numbers, sizes,
 * comma-separated lists. The variables themselves are in core/settings.ts.
 */
import { z } from 'zod';

export const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
/** Unset and blank are the same: `.env.example` and docker-compose pass blank values through. */
export const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));
export const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
export const num = (min: number, max: number) => z.coerce.number().min(min).max(max);
export const provider = z.enum(['local', 'openai']).default('local');

const BYTE_UNITS: Record<string, number> = {
  '': 1,
  kb: 1024,
  kib: 1024,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
};
const SIZE = /^\s*(\d+(?:\.\d+)?)\s*([kmg]i?b)?\s*$/i;
/** A size such as `1GB`, `512MiB` or a number of bytes (units are binary, as PostgreSQL's are). */
export const bytes = z
  .string()
  .regex(SIZE, 'a size such as 1GB, 512MB or a number of bytes')
  .transform((text) => {
    const [, n, unit] = SIZE.exec(text) ?? [];
    return Math.round(Number(n) * (BYTE_UNITS[(unit ?? '').toLowerCase()] ?? 1));
  });

export const commaList = z
  .string()
  .default('')
  .transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );

/** Comma-separated PostgreSQL URLs; a bad one is named by position, never echoed (it may hold a password). */
export const postgresUrls = commaList.transform((urls, ctx) => {
  urls.forEach((url, i) => {
    if (!isPostgresUrl(url)) {
      ctx.addIssue({
        code: 'custom',
        message: `entry ${i + 1} of ${urls.length} is not a postgres:// or postgresql:// URL with a host`,
      });
    }
  });
  return urls;
});

function isPostgresUrl(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const url = new URL(text);
  return (url.protocol === 'postgres:' || url.protocol === 'postgresql:') && url.hostname !== '';
}
