/** The README's main job: `sonic-mood mood …` on a fresh data folder, as a user runs it. */
import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Playlist } from '../core/types.ts';
import { WORD_VECTOR_CACHE } from './support/models.ts';

const run = promisify(execFile);
let dataDir: string;

async function sonicMood(args: string[]) {
  try {
    const { stdout, stderr } = await run('node', ['bin/sonic-mood.js', ...args], {
      env: {
        ...process.env,
        SONIC_MOOD_DATA_DIR: dataDir,
        DATABASE_URL: '',
        SPOTIFY_CLIENT_ID: '',
        LOG_LEVEL: 'warn',
      },
      timeout: 180_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'sonic-mood-cli-'));
  // Reuse the word-vector cache the other tests built, as a second run on one machine would.
  const { cp } = await import('node:fs/promises');
  await cp(WORD_VECTOR_CACHE, path.join(dataDir, 'cache'), { recursive: true }).catch(() => {});
});

describe('sonic-mood mood', () => {
  it('sets up the embedded catalog on first use and prints a playlist with a link per track', async () => {
    const { code, stdout } = await sonicMood([
      'mood',
      'late',
      'night',
      'drive',
      'through',
      'neon',
      'rain',
      '-n',
      '5',
    ]);
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toMatch(/^🎧 \S/);
    expect(lines.filter((l) => /^\d\. .+ — .+/.test(l))).toHaveLength(5);
    expect(lines.filter((l) => l.trim().startsWith('https://open.spotify.com/search/'))).toHaveLength(5);
    expect(lines.filter((l) => l.trim().startsWith('why: '))).toHaveLength(5);
  }, 240_000);

  it('prints JSON with --json, and the same mood gives the same playlist', async () => {
    const a = JSON.parse((await sonicMood(['mood', 'sunny', 'road', 'trip', '--json'])).stdout) as Playlist;
    const b = JSON.parse((await sonicMood(['mood', 'sunny', 'road', 'trip', '--json'])).stdout) as Playlist;
    expect(a.tracks).toHaveLength(10);
    expect(b.tracks.map((t) => t.songId)).toEqual(a.tracks.map((t) => t.songId));
  }, 120_000);

  it('--refine applies a follow-up as the Refine… button does, and --swap N replaces song N in place', async () => {
    const { code, stdout } = await sonicMood([
      'mood',
      'party',
      'anthems',
      '--refine',
      'no rap, more 90s',
      '--swap',
      '2',
      '--json',
    ]);
    expect(code).toBe(0);
    const [refined, swapped] = stdout.split(/\n(?=\{)/).map((part) => JSON.parse(part) as Playlist);
    if (!refined || !swapped) throw new Error('two playlists expected');
    expect(refined.description).toMatch(/ · no rap · 1990–1999$/);
    for (const t of refined.tracks) {
      expect(t.year).toBeGreaterThanOrEqual(1990);
      expect(t.year).toBeLessThanOrEqual(1999);
    }
    expect(swapped.tracks.map((t) => t.songId).filter((_, i) => i !== 1)).toEqual(
      refined.tracks.map((t) => t.songId).filter((_, i) => i !== 1),
    );
    expect(refined.tracks.map((t) => t.songId)).not.toContain(swapped.tracks[1]?.songId);
    const nothing = await sonicMood(['mood', 'party', '--refine', 'thanks!']);
    expect(nothing.code).not.toBe(0);
    expect(nothing.stderr).toMatch(/could not find anything to change/);
  }, 120_000);

  it('answers bad input with a friendly message and a non-zero exit, never a stack trace', async () => {
    const empty = await sonicMood(['mood', '   ']);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/Tell me a mood/);
    const long = await sonicMood(['mood', 'x'.repeat(300)]);
    expect(long.stderr).toMatch(/under 200 characters \(yours has 300\)/);
    const gibberish = await sonicMood(['mood', 'qqqzzzx', 'ж€щ']);
    expect(gibberish.code).toBe(1);
    expect(gibberish.stderr).toMatch(/could not find words I understand/);
    for (const r of [empty, long, gibberish]) expect(r.stderr).not.toMatch(/\n\s+at /);
    const size = await sonicMood(['mood', 'sad', '-n', '0']);
    expect(size.stderr).toMatch(/whole number from 1 to 50/);
  }, 120_000);
});
