/**
 * Scenes and times of day in the local model: read as themes of their own, not as moods. Before, "drive"
 * and "late" went through the mood classifier and came out as energy and anger.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { LocalEmbedder } from '../core/local/embedder.ts';
import { themesOfDocument, themesOfRequest } from '../core/local/themes.ts';
import { LocalWriter } from '../core/local/writer.ts';
import { describePlaylist, planRequest } from '../core/request-plan.ts';
import { localEmbedder } from './support/models.ts';

let embedder: LocalEmbedder;
beforeAll(async () => {
  embedder = await localEmbedder();
});

const cosine = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * (b[i] ?? 0), 0);
const names = (text: string) => themesOfRequest(text).map((m) => m.theme.name);

describe('themes of a request', () => {
  it('reads scenes, times of day and two-word phrases, "3 am" as "3am"', () => {
    expect(names('late night drive through neon rain')).toEqual(['night', 'driving', 'city', 'rain']);
    expect(names('3 am and I cannot sleep')).toEqual(['night']);
    expect(names('road trip with friends')).toEqual(['driving']);
    expect(names('christmas morning by the beach')).toEqual(['christmas', 'morning', 'beach']);
    expect(names('snowy sunset wedding')).toEqual(['snow', 'sunset', 'wedding']);
    expect(names('heartbroken and crying')).toEqual([]);
  });

  it('in a song, counts only the words a song about the theme carries ("Car Wash" is not a driving song)', () => {
    expect(themesOfDocument('Midnight City by M83. electronic. night, driving').map((t) => t.name)).toEqual([
      'night',
      'city',
      'driving',
    ]);
    expect(themesOfDocument('Car Wash by Rose Royce. funk')).toEqual([]);
  });
});

describe('the local embedder and writer', () => {
  it('does not read "late night drive" as anger: its mood profile is empty, its themes carry it', async () => {
    const [query, nightDrive, angry] = await embedder
      .embed(['late night drive'], 'query')
      .then(async ([q]) => [
        q,
        ...(await embedder.embed(
          [
            'Nightcall by Kavinsky. electronic. relaxed, mellow, night, driving',
            'Master of Puppets by Metallica. metal. angry, energetic, dark',
          ],
          'document',
        )),
      ]);
    if (!query || !nightDrive || !angry) throw new Error('missing vectors');
    expect(cosine(query, nightDrive)).toBeGreaterThan(cosine(query, angry) + 0.2);
    const moodPart = query.slice(embedder.vectors.dims, embedder.vectors.dims + embedder.moods.size);
    expect(moodPart.every((x) => x === 0)).toBe(true);
  });

  it('keeps what a request says about feeling beside its themes', async () => {
    const [sadRain, happyRain, sadSong, happySong] = [
      ...(await embedder.embed(['sad rainy night', 'happy rainy night'], 'query')),
      ...(await embedder.embed(
        ['Song by Someone. sad, rain, night', 'Song by Someone. happy, rain, night'],
        'document',
      )),
    ];
    if (!sadRain || !happyRain || !sadSong || !happySong) throw new Error('missing vectors');
    expect(cosine(sadRain, sadSong)).toBeGreaterThan(cosine(sadRain, happySong));
    expect(cosine(happyRain, happySong)).toBeGreaterThan(cosine(happyRain, sadSong));
  });

  it('expands a scene into the words songs about it carry, not into rage and thrash', async () => {
    const words = (await new LocalWriter(embedder).hypotheticalLyrics('late night drive')).split(' ');
    expect(words).toEqual(expect.arrayContaining(['midnight', 'driving', 'highway']));
    expect(words).not.toContain('rage');
    expect(words).not.toContain('thrash');
  });
});

describe('a theme the catalog has no song for', () => {
  const catalogWith = (...themes: string[]) => ({
    themesInCatalog: async () => new Set(themes),
  });

  it('is left out of the search and named in the description', async () => {
    const plan = await planRequest('christmas morning', catalogWith('morning'));
    expect(plan.missing.map((t) => t.name)).toEqual(['christmas']);
    expect(plan.searchText).toBe('morning');
    expect(plan.lexicalGroups.flat()).not.toContain('christmas');
    expect(describePlaylist(10, 'christmas morning', plan)).toBe(
      'No Christmas songs in this catalog: 10 songs for the rest of “christmas morning”',
    );
  });

  it('when it is all the request says, the playlist is the closest in feel, and says so', async () => {
    const plan = await planRequest('snow', catalogWith());
    expect(plan.searchText).toBe('snow');
    expect(describePlaylist(8, 'snow', plan)).toBe(
      'No snow songs in this catalog: 8 songs closest in feel to “snow”',
    );
  });

  it('is not mentioned when the catalog has songs for every theme', async () => {
    const plan = await planRequest('late night drive', catalogWith('night', 'driving'));
    expect(plan.missing).toEqual([]);
    expect(describePlaylist(10, 'late night drive', plan)).toBe('10 songs for “late night drive”');
  });
});
