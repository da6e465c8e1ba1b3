/**
 * Reading a chat model's song suggestions (grounded HyDE). The reply is untrusted: it may be wrapped in a
 * code fence or reasoning, name more songs than asked, repeat one, carry markup or instructions in a
 * "title", or not be JSON at all. Only well-formed entries of bounded length survive, once each and at most
 * `max`; they are used as lookup keys into the catalog, never shown as written.
 */
import { z } from 'zod';
import { matchKey } from '../normalize.ts';
import type { SongSuggestion } from '../ports.ts';
import { neutralise } from './prompts.ts';

/** Longer than any real title or artist (ingest cuts at 500); an entry past it is noise, not a song. */
const MAX_FIELD_CHARS = 200;

const Entry = z.object({
  title: z.string(),
  artist: z.string(),
});
const Reply = z.object({ songs: z.array(z.unknown()) });

/** The suggestions in a reply, or undefined when it holds no JSON object with a `songs` array. */
export function parseSongSuggestions(reply: string, max: number): SongSuggestion[] | undefined {
  const start = reply.indexOf('{');
  const end = reply.lastIndexOf('}');
  if (start < 0 || end <= start) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(reply.slice(start, end + 1));
  } catch {
    return undefined;
  }
  const parsed = Reply.safeParse(json);
  if (!parsed.success) return undefined;
  const seen = new Set<string>();
  const out: SongSuggestion[] = [];
  for (const raw of parsed.data.songs) {
    if (out.length >= max) break;
    const entry = Entry.safeParse(raw);
    if (!entry.success) continue;
    const title = neutralise(entry.data.title);
    const artist = neutralise(entry.data.artist);
    if (!title || !artist || title.length > MAX_FIELD_CHARS || artist.length > MAX_FIELD_CHARS) continue;
    const key = matchKey(title, artist);
    // "Song" and "Song - Remastered 2011" by one artist are one suggestion.
    if (key.startsWith('|') || key.endsWith('|') || seen.has(key)) continue;
    seen.add(key);
    out.push({ title, artist });
  }
  return out;
}
