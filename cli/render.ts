/** A playlist as a terminal reader likes it. */
import type { Playlist } from '../core/types.ts';

const TIMING_ORDER = ['embedMood', 'hyde', 'embedHyde', 'search', 'rerank', 'links', 'title'] as const;

export function renderPlaylist(playlist: Playlist, color = process.stdout.isTTY): string {
  const bold = (s: string) => (color ? `\x1b[1m${s}\x1b[22m` : s);
  const dim = (s: string) => (color ? `\x1b[2m${s}\x1b[22m` : s);
  const width = String(playlist.tracks.length).length;
  const lines = [`🎧 ${bold(playlist.title)}`, `   ${dim(playlist.description)}`, ''];
  playlist.tracks.forEach((t, i) => {
    const n = String(i + 1).padStart(width, ' ');
    const year = t.year ? ` (${t.year})` : '';
    lines.push(`${n}. ${bold(t.name)} — ${t.artist ?? 'unknown artist'}${year}`);
    lines.push(`${' '.repeat(width + 2)}${t.spotifyUrl}`);
    lines.push(`${' '.repeat(width + 2)}${dim(`why: ${t.why}`)}`);
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
