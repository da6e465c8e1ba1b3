/** Snowflakes and interaction tokens shaped like Discord's. */
import { randomBytes } from 'node:crypto';

export const FAKE_USER_ID = '200000000000000001';

const DISCORD_EPOCH = 1_420_070_400_000n;
let snowflakeIncrement = 0n;

export function snowflake(): string {
  snowflakeIncrement = (snowflakeIncrement + 1n) & 0xfffn;
  return (((BigInt(Date.now()) - DISCORD_EPOCH) << 22n) | (1n << 17n) | snowflakeIncrement).toString();
}

export function newToken(id: string): string {
  return Buffer.from(`interaction:${id}:${randomBytes(48).toString('base64url')}`).toString('base64url');
}
