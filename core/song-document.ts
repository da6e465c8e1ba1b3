/** The text a song is embedded from: what the catalog knows about it, most telling fields first. */

export interface SongText {
  readonly name: string;
  readonly artist: string | null;
  readonly genre?: string | null;
  readonly tags?: readonly string[];
  readonly lyrics?: string | null;
}

/** Lyrics beyond this add little meaning and cost embedding time (and tokens with a remote model). */
const LYRICS_CHARS = 1_500;

export function songDocument(song: SongText): string {
  const parts = [song.artist ? `${song.name} by ${song.artist}` : song.name];
  if (song.genre) parts.push(song.genre);
  if (song.tags && song.tags.length > 0) parts.push(song.tags.join(', '));
  if (song.lyrics) parts.push(song.lyrics.slice(0, LYRICS_CHARS));
  return parts.join('. ');
}
