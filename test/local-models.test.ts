import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { isMoodError } from '../core/errors.ts';
import { LocalEmbedder, normalize } from '../core/local/embedder.ts';
import { LocalExplainer } from '../core/local/explainer.ts';
import { MoodSpace } from '../core/local/mood-space.ts';
import { tokenize } from '../core/local/tokenize.ts';
import { loadWordVectors } from '../core/local/word-vectors.ts';
import { LocalWriter } from '../core/local/writer.ts';
import { parseMood } from '../core/mood-text.ts';
import { localEmbedder, WORD_VECTOR_CACHE } from './support/models.ts';

let embedder: LocalEmbedder;
beforeAll(async () => {
  embedder = await localEmbedder();
});

const cosine = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * (b[i] ?? 0), 0);

describe('word-vector cache', () => {
  it('is a compact binary file that reloads to the same vectors', async () => {
    const files = await readdir(WORD_VECTOR_CACHE);
    const cache = files.find((f) => f.endsWith('.bin'));
    expect(cache).toBeDefined();
    expect((await stat(path.join(WORD_VECTOR_CACHE, cache ?? ''))).size).toBeLessThan(45e6);
    const again = await loadWordVectors(WORD_VECTOR_CACHE);
    expect(again.size).toBe(embedder.vectors.size);
    expect([0, 1, 2, 3, 4].map((r) => again.word(r))).toEqual(['the', ',', '.', 'of', 'to']);
    for (const word of ['sunday', 'heartbroken', 'beyonce', 'lo-fi'])
      expect(again.rank(word)).toBe(embedder.vectors.rank(word));
    expect(again.rank('qqqzzzx-not-a-word')).toBeUndefined();
    expect(Buffer.from(again.unit).equals(Buffer.from(embedder.vectors.unit))).toBe(true);
  });

  it('is rebuilt when the cache file is missing or corrupt', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'wv-'));
    await writeFile(path.join(dir, 'glove-sg-100d.v2.bin'), 'not a cache');
    const rebuilt = await loadWordVectors(dir);
    expect(rebuilt.rank('sunday')).toBe(embedder.vectors.rank('sunday'));
  }, 120_000);
});

describe('mood classifier cache', () => {
  it('is trained once and read back: a cached classifier embeds exactly as a freshly trained one', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'mood-'));
    try {
      const texts = ['heartbroken and crying', 'Misty Mountain Hop by Led Zeppelin'];
      const embedWith = async (moods: MoodSpace) => {
        const e = new LocalEmbedder(embedder.vectors, { moods });
        return (await e.embed(texts, 'document')).map((v) => Array.from(v));
      };
      const trained = await embedWith(new MoodSpace(embedder.vectors));
      await MoodSpace.load(embedder.vectors, dir); // trains and writes
      const [file, ...others] = (await readdir(dir)).filter((f) => f.startsWith('mood-classifier-'));
      expect(others).toEqual([]);
      expect(await embedWith(await MoodSpace.load(embedder.vectors, dir))).toEqual(trained);
      // The second load read the file rather than training again: planted weights change what it embeds.
      const cache = path.join(dir, file ?? '');
      await writeFile(cache, Buffer.alloc((await stat(cache)).size));
      expect(await embedWith(await MoodSpace.load(embedder.vectors, dir))).not.toEqual(trained);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('tokenize', () => {
  it('folds case and accents, drops apostrophes, keeps hyphenated words and reads mood emoji', () => {
    expect(tokenize("Don't stop — BEYONCÉ's lo-fi 😭💔")).toEqual([
      'dont',
      'stop',
      'beyonces',
      'lo-fi',
      'crying',
      'sad',
      'heartbreak',
    ]);
  });
});

describe('LocalEmbedder', () => {
  it('gives unit vectors where related moods sit closer than unrelated ones', async () => {
    const [sad, tears, party] = await embedder.embed(
      ['heartbroken and crying', 'sad tears', 'dance party'],
      'query',
    );
    if (!sad || !tears || !party) throw new Error('missing vectors');
    expect(cosine(sad, sad)).toBeCloseTo(1, 4);
    expect(cosine(sad, tears)).toBeGreaterThan(cosine(sad, party) + 0.1);
  });

  it('weighs rare words above function words', () => {
    const words = embedder.words('the rain');
    expect(words.find((w) => w.word === 'rain')?.weight).toBeGreaterThan(
      (words.find((w) => w.word === 'the')?.weight ?? 1) * 10,
    );
  });

  it('refuses a query with no known word, but still embeds such a document', async () => {
    await expect(embedder.embed(['ж€щ ☃ qqqzzzx'], 'query')).rejects.toSatisfy((e) =>
      isMoodError(e, 'MoodNotUnderstood'),
    );
    const [doc] = await embedder.embed(['ж€щ ☃ qqqzzzx'], 'document');
    expect(doc && cosine(doc, doc)).toBeCloseTo(1, 4);
  });

  it('understands accented and emoji-only moods', async () => {
    const [a, spelled, paraphrase, party] = await embedder.embed(
      ['😭💔', 'crying sad heartbreak', 'crying heartbreak', 'dance party'],
      'query',
    );
    if (!a || !spelled || !paraphrase || !party) throw new Error('missing vectors');
    // The emoji read as their words; the mood profile then weighs "sad" against "heartbroken", so a
    // paraphrase is close rather than identical (0.71 with local:glove-mood-116@2, 0.9+ with plain SIF).
    expect(cosine(a, spelled)).toBeCloseTo(1, 4);
    expect(cosine(a, paraphrase)).toBeGreaterThan(cosine(a, party) + 0.5);
  });
});

describe('LocalWriter', () => {
  it('writes daylist-style titles from the mood', async () => {
    const writer = new LocalWriter(embedder);
    expect(await writer.title('rainy nostalgic sunday')).toBe('Rain-Soaked Nostalgia Sunday');
    const title = await writer.title('the the the');
    expect(title.length).toBeGreaterThan(0);
    expect(title.length).toBeLessThanOrEqual(60);
  });

  it('titles a mood from its mood words, never from links, mentions, emoji shortcodes or entities', async () => {
    const writer = new LocalWriter(embedder);
    // What users typed (the moods behind "Https Gg Mix", "Tada High-Energy Mix", "Everyone Here Hours"),
    // parsed as every bot parses it before the writer sees it.
    const titled = async (raw: string) => {
      const parsed = parseMood(raw);
      if (!parsed.ok) throw new Error(`unparsed: ${raw}`);
      return writer.title(parsed.text);
    };
    const titles = await Promise.all(
      [
        'hype https://discord.gg/abc123',
        ':tada: energetic',
        '@everyone @here chill',
        'rainy <https://evil.example> sunday',
      ].map(titled),
    );
    for (const title of titles)
      expect(title).not.toMatch(/\b(Https?|Gg|Www|Com|Tada|Everyone|Here|Amp|Lt|Gt)\b/);
    expect(titles[1]).toMatch(/Party|High-Energy/);
    expect(titles[3]).toBe('Rain-Soaked Sunday');
  });

  it('expands a mood into related words for HyDE', async () => {
    const expansion = (await new LocalWriter(embedder).hypotheticalLyrics('nostalgic')).split(' ');
    expect(expansion[0]).toBe('nostalgic');
    expect(expansion).toEqual(expect.arrayContaining(['nostalgia']));
    expect(expansion.length).toBeGreaterThan(3);
  });
});

describe('LocalExplainer', () => {
  it('names only the catalog words that match the mood', () => {
    const [why] = new LocalExplainer(embedder).explain('heartbroken and crying', [
      {
        name: 'Someone Like You',
        artist: 'Adele',
        genre: 'pop',
        tags: ['sad', 'mellow', 'heartbreak', 'workout'],
      },
    ]);
    expect(why).toMatch(/sad|heartbreak/);
    expect(why).not.toMatch(/workout/);
  });
});

describe('normalize', () => {
  it('leaves a zero vector undefined instead of dividing by zero', () => {
    expect(normalize(new Float32Array(3))).toBeUndefined();
  });
});
