/**
 * What a request asks the catalog for, before anything is embedded: its themes (scenes and times of day,
 * core/local/themes.ts), which of them the catalog has songs for, the text to search with, and the word
 * groups of the lexical search. A theme with no song in the catalog is dropped from the search and named
 * in the description: "christmas morning" on a catalog without Christmas songs plays morning songs and
 * says so, rather than passing summer songs off as Christmas ones.
 */
import { type Theme, themesOfRequest } from './local/themes.ts';
import { tokenize } from './local/tokenize.ts';
import type { SongIndex } from './ports.ts';
import type { MoodFilters } from './types.ts';

/** Words every request uses that say nothing about which songs: "songs for…", "music to…", "vibes". */
const FILLER = new Set(
  'song songs music playlist playlists track tracks tune tunes vibe vibes mood moods listen listening play playing stuff something anything really very just kind type some want need feel feeling'.split(
    ' ',
  ),
);

export interface RequestPlan {
  /** The themes the request names, in its order. */
  readonly themes: readonly Theme[];
  /** Named themes no song in the catalog carries (in its tags, genre or title). */
  readonly missing: readonly Theme[];
  /** The text to embed: the request without the missing themes' words, or the request when nothing else is left. */
  readonly searchText: string;
  /** True when every content word of the request named a missing theme. */
  readonly nothingLeft: boolean;
  /** Lexical word groups: each present theme (its catalog words and the request's), then each other content word. */
  readonly lexicalGroups: readonly (readonly string[])[];
}

export async function planRequest(
  text: string,
  index: Pick<SongIndex, 'themesInCatalog'>,
  filters?: MoodFilters,
): Promise<RequestPlan> {
  const matches = themesOfRequest(text);
  const themes = matches.map((m) => m.theme);
  const all = new Set(themes.map((t) => t.name));
  // Not knowing is no reason to fail a playlist: a theme the probe could not check counts as present.
  const present =
    themes.length > 0 && index.themesInCatalog
      ? await index
          .themesInCatalog(
            themes.map((t) => ({ name: t.name, words: t.catalog })),
            filters,
          )
          .catch(() => all)
      : all;
  const missing = matches.filter((m) => !present.has(m.theme.name));
  const missingWords = new Set(missing.flatMap((m) => m.words));
  const themeWords = new Set(matches.flatMap((m) => m.words));

  const tokens = tokenize(text);
  const kept = tokens.filter((t) => !missingWords.has(t));
  const content = kept.filter((t) => !FILLER.has(t) && !themeWords.has(t) && /\p{L}/u.test(t));
  const nothingLeft = missing.length > 0 && kept.every((t) => FILLER.has(t) || !/\p{L}/u.test(t));
  const lexicalGroups = [
    ...matches
      .filter((m) => present.has(m.theme.name))
      .map((m) => [...new Set([...m.theme.catalog, ...m.words])]),
    ...[...new Set(content)].map((word) => [word]),
  ];
  return {
    themes,
    missing: missing.map((m) => m.theme),
    searchText: missing.length === 0 || nothingLeft ? text : kept.join(' '),
    nothingLeft,
    lexicalGroups,
  };
}

/** The playlist's description: what it holds, and which asked-for themes the catalog could not supply. */
export function describePlaylist(count: number, mood: string, plan: RequestPlan): string {
  if (plan.missing.length === 0) return `${count} songs for “${mood}”`;
  const labels = plan.missing.map((t) => t.label);
  const named =
    labels.length === 1 ? labels[0] : `${labels.slice(0, -1).join(', ')} or ${labels[labels.length - 1]}`;
  const note = `No ${named} songs in this catalog`;
  return plan.nothingLeft
    ? `${note}: ${count} songs closest in feel to “${mood}”`
    : `${note}: ${count} songs for the rest of “${mood}”`;
}
