/** `sonic-mood mood` prints catalog text: it must reach the terminal as text, never as terminal commands. */
import { describe, expect, it } from 'vitest';
import { renderPlaylist, renderPlaylistJson, terminalSafe } from '../cli/render.ts';
import type { Playlist } from '../core/types.ts';

const HOSTILE = [
  '\x1b]0;pwned\x07', // set the window title
  '\x1b[2J\x1b[H', // clear the screen
  '\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\', // OSC 8 hyperlink
  '\x9b31m', // C1 CSI
  '\u202eevil\u202c', // right-to-left override
  '\x07\x08\x7f', // bell, backspace, delete
].join('');

function playlist(text: string): Playlist {
  return {
    title: `Night ${text}`,
    description: `10 songs for “${text}”`,
    mood: text,
    tracks: [
      {
        songId: '1',
        name: `Song ${text}`,
        artist: `Artist ${text}`,
        year: 1999,
        similarity: 0.9,
        popularity: 10,
        score: 0.9,
        spotifyUrl: 'https://open.spotify.com/search/Song',
        why: `why ${text}`,
      },
    ],
    timings: { total: 5 },
    providers: { embedder: 'local', writer: 'local', links: 'spotify-search' },
  };
}

describe('terminal output', () => {
  it('removes escape sequences, control characters and bidi overrides from every printed field', () => {
    for (const color of [false, true]) {
      const out = renderPlaylist(playlist(HOSTILE), color);
      // Our own bold/dim codes are the only escapes left, and only with colour.
      // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
      const withoutOurs = out.replace(/\x1b\[(1|2|22)m/g, '');
      // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
      expect(withoutOurs).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
      expect(out).toContain('Song ');
      expect(out).toContain('click');
      expect(out).not.toContain('evil.example');
    }
  });

  it('prints --json with every control escaped, and the same data for a parser', () => {
    const out = renderPlaylistJson(playlist(HOSTILE));
    // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
    expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(JSON.parse(out)).toEqual(playlist(HOSTILE));
  });

  it('keeps ordinary Unicode: accents, RTL letters, emoji', () => {
    expect(terminalSafe('Café — حبيبي 🔥 Björk')).toBe('Café — حبيبي 🔥 Björk');
  });
});
