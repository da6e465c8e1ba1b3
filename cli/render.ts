/** A playlist as a terminal reader likes it. */
import { stripVTControlCharacters } from 'node:util';
import { PLATFORM_LABELS } from '../core/listen-links.ts';
import type { Playlist } from '../core/types.ts';

/**
 * Catalog and model text as plain text on a terminal: escape sequences (a song name could set the window
 * title, clear the screen or plant an OSC 8 hyperlink), other C0/C1 controls and bidi overrides removed.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

export function terminalSafe(text: string): string {
  return stripVTControlCharacters(text).replace(CONTROLS, '');
}

/**
 * A playlist as JSON, safe to print: JSON.stringify escapes C0 controls but leaves C1 controls (U+009B is
 * a CSI to many terminals) and bidi overrides raw. Escaping them as \uXXXX keeps the parsed value unchanged.
 */
export function renderPlaylistJson(playlist: Playlist): string {
  return JSON.stringify(playlist, null, 2).replace(
    /[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

const TIMING_ORDER = [
  'themes',
  'embedMood',
  'hyde',
  'embedHyde',
  'resolveSongs',
  'search',
  'lexical',
  'rerank',
  'links',
  'title',
] as const;

export function renderPlaylist(playlist: Playlist, color = process.stdout.isTTY): string {
  const bold = (s: string) => (color ? `\x1b[1m${s}\x1b[22m` : s);
  const dim = (s: string) => (color ? `\x1b[2m${s}\x1b[22m` : s);
  const width = String(playlist.tracks.length).length;
  const lines = [
    `🎧 ${bold(terminalSafe(playlist.title))}`,
    `   ${dim(terminalSafe(playlist.description))}`,
    '',
  ];
  playlist.tracks.forEach((t, i) => {
    const n = String(i + 1).padStart(width, ' ');
    const year = t.year ? ` (${t.year})` : '';
    lines.push(`${n}. ${bold(terminalSafe(t.name))} — ${terminalSafe(t.artist ?? 'unknown artist')}${year}`);
    lines.push(`${' '.repeat(width + 2)}${terminalSafe(t.spotifyUrl)}`);
    for (const link of t.alsoOn ?? []) {
      lines.push(
        `${' '.repeat(width + 2)}${dim(`${PLATFORM_LABELS[link.platform].full}:`)} ${terminalSafe(link.url)}`,
      );
    }
    lines.push(`${' '.repeat(width + 2)}${dim(`why: ${terminalSafe(t.why)}`)}`);
  });
  const stages = TIMING_ORDER.filter((s) => playlist.timings[s] !== undefined)
    .map((s) => `${s} ${playlist.timings[s]}`)
    .join(', ');
  lines.push('');
  lines.push(
    dim(
      `${playlist.providers.embedder} · ${playlist.providers.writer} · ${playlist.providers.links} — ` +
        `${playlist.timings.total} ms (${stages})`,
    ),
  );
  return lines.join('\n');
}
