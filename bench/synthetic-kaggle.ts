/**
 * A synthetic Million Music Playlists dataset for benchmarks: `track_meta.tsv` (song_id, song_name, band) and
 * `user_item_interaction.csv` (user, item), the same layout `ingestKaggle` reads. Deterministic from the seed;
 * both files are streamed out in chunks with backpressure, never built in memory.
 *
 * - Song ids are 0 … songs-1 in file order; a few ids are repeated later in the file with another name (the
 *   last line wins), about 0.0003 % of the rows have an empty song_name (as in the real file), about 0.1 % no
 *   band.
 * - Items follow a bounded power law (Zipf-like, exponent 0.9) over popularity ranks, and ranks are scattered
 *   over the ids, so a few songs get a large share of the interactions and most get none or a handful. About
 *   0.001 % of the items name songs that are not in track_meta.
 * - Users are uniform over `u0` … `u{users-1}`; a user may play the same song several times.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { mulberry32 } from '../core/rerank.ts';

export interface SyntheticKaggleOptions {
  readonly songs: number;
  readonly interactions: number;
  readonly users: number;
  readonly seed: number;
  /**
   * Real-world mess on top (bench:catalog): very long names, odd Unicode, intros and interludes, lines with a
   * column missing or too many, ids that are not numbers, blank lines; in the interactions, broken lines.
   */
  readonly mess?: boolean;
  /** Lines written so far of all lines to write (tracks, then interactions). */
  readonly onProgress?: (done: number, total: number) => void;
}

/** What `mess` planted, by kind (so a report can check the ingest counted each). */
export interface PlantedMess {
  longNames: number;
  oddUnicode: number;
  fillerTitles: number;
  wrongColumns: number;
  badIds: number;
  blankLines: number;
  brokenInteractions: number;
}

export interface SyntheticKaggleFiles {
  readonly trackMeta: string;
  readonly interactions: string;
  readonly trackRows: number;
  readonly emptyNames: number;
  readonly duplicateIds: number;
  readonly interactionRows: number;
  readonly unknownItems: number;
  readonly bytes: number;
  readonly mess?: PlantedMess;
}

export const TRACK_META = 'track_meta.tsv';
export const INTERACTIONS = 'user_item_interaction.csv';

type Random = () => number;

const int = (random: Random, n: number): number => Math.floor(random() * n);
const pick = <T>(random: Random, list: readonly T[]): T => list[int(random, list.length)] as T;

/** Word lists, `|`-separated to keep them compact. */
const words = (list: string): readonly string[] => list.split('|');

const ADJECTIVES = words(
  'Blue|Golden|Broken|Electric|Silent|Wild|Lonely|Midnight|Crimson|Velvet|Neon|Sweet|Cold|Burning|Little|Lost|Shallow|Endless|Hollow|Fading|Restless|Paper|Sunny|Dark|Gentle|Crazy|Heavy|Holy|Tender|Wicked|Summer|Winter|Ocean|Northern|Secret|Strange|Rosé|Café|Señorita|Naïve',
);
const NOUNS = words(
  'Heart|Night|Road|Dream|Fire|River|Love|Rain|Sky|Light|Eyes|Girl|Boy|City|Highway|Moon|Sun|Garden|Mirror|Ghost|Kingdom|Machine|Wave|Story|Song|Window|Train|Money|Shadow|Paradise|Thunder|Angel|Satellite|Echo|Runaway|Lullaby|Symphony|Revolution|Memory|Horizon',
);
const PHRASES = words(
  "Don't Stop|I Can't Wait|Take Me Home|Hold On|Let It Go|Stay With Me|Come Together|We're Young|Run Away|Ain't No Sunshine|Dancing Alone|All Night Long|Say My Name|Here Comes|Bring Me|Tonight, Tonight|Rock & Roll|Back to You|Where Is My Mind?|Oh! Darling",
);
const FIRST_NAMES = words(
  'Billie|Frank|Aretha|Miles|Björk|Taylor|Kendrick|Adele|Stevie|Nina|Johnny|Dolly|Marvin|Amy|Bruce|Joni|Prince|Rihanna|Elton|Beyoncé|Chris|Lana|Zoë|Khalid|Ólafur|Rosalía',
);
const LAST_NAMES = words(
  "Smith|Jones|Ocean|Davis|Swift|Lamar|Wonder|Simone|Cash|Parton|Gaye|Winehouse|Springsteen|Mitchell|John|Del Rey|Martin|Arnalds|O'Connor|García|Müller|Nakamura|Kowalski|Dubois",
);
const BAND_NOUNS = words(
  'Keys|Strokes|Killers|Foxes|Wolves|Lions|Machines|Pilots|Kids|Shadows|Monkeys|Stones|Pixies|Knights|Riders|Sisters|Brothers|Hearts|Ravens|Tigers',
);
const FEATURED = words('Drake|Nicki Minaj|Pharrell Williams|Sia|Kanye West|Dua Lipa|Bad Bunny');
const REMASTER_YEARS = [1997, 2005, 2009, 2011, 2012, 2015, 2019];

function songName(random: Random): string {
  const r = random();
  let name: string;
  if (r < 0.3) name = `${pick(random, ADJECTIVES)} ${pick(random, NOUNS)}`;
  else if (r < 0.5) name = pick(random, NOUNS);
  else if (r < 0.7) name = pick(random, PHRASES);
  else if (r < 0.85) name = `The ${pick(random, ADJECTIVES)} ${pick(random, NOUNS)}`;
  else name = `${pick(random, PHRASES)} ${pick(random, ADJECTIVES)} ${pick(random, NOUNS)}`;
  const suffix = random();
  if (suffix < 0.02) name += ` - Remastered ${pick(random, REMASTER_YEARS)}`;
  else if (suffix < 0.03) name += ' - Remastered 2011';
  else if (suffix < 0.05) name += ` (feat. ${pick(random, FEATURED)})`;
  else if (suffix < 0.06) name += ' - Live';
  else if (suffix < 0.065) name += ' (12" Mix)';
  return name;
}

function band(random: Random): string {
  const r = random();
  if (r < 0.001) return '';
  if (r < 0.4) return `${pick(random, FIRST_NAMES)} ${pick(random, LAST_NAMES)}`;
  if (r < 0.65) return `The ${pick(random, ADJECTIVES)} ${pick(random, BAND_NOUNS)}`;
  if (r < 0.8) return `${pick(random, ADJECTIVES)} ${pick(random, BAND_NOUNS)}`;
  if (r < 0.9) return `${pick(random, FIRST_NAMES)} & the ${pick(random, BAND_NOUNS)}`;
  return `${pick(random, NOUNS)} ${pick(random, NOUNS)}`;
}

/** A few distinct positions in [from, to), chosen by `random`. */
function positions(random: Random, count: number, from: number, to: number): Set<number> {
  const set = new Set<number>();
  const span = to - from;
  if (span <= 0) return set;
  while (set.size < Math.min(count, span)) set.add(from + int(random, span));
  return set;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** A bijection of [0, n) (rank → id) that scatters popular ranks over the ids: i ↦ (i·m + c) mod n. */
function scatter(n: number, random: Random): (i: number) => number {
  let m = Math.max(1, Math.floor(n * 0.618_033_988_7)) | 1;
  while (gcd(m, n) !== 1) m += 2;
  const c = int(random, n);
  // i·m stays below 2^53 for any n up to ~9·10^7.
  return (i) => (i * m + c) % n;
}

/** Ranks 0 … n-1 with P(rank) ≈ ∝ (rank+1)^-s: inverse transform of a bounded continuous power law. */
function powerLaw(n: number, s: number): (u: number) => number {
  const top = n ** (1 - s) - 1;
  return (u) => Math.min(n - 1, Math.floor((top * u + 1) ** (1 / (1 - s))) - 1);
}

/** A line sink that batches lines into ~256 KB writes and waits for `drain` when the stream is full. */
class LineWriter {
  private buffer: string[] = [];
  private size = 0;
  bytes = 0;
  private readonly stream;

  constructor(path: string) {
    this.stream = createWriteStream(path, { highWaterMark: 1 << 20 });
  }

  async line(text: string): Promise<void> {
    this.buffer.push(text);
    this.size += text.length + 1;
    if (this.size >= 256 * 1024) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    const chunk = `${this.buffer.join('\n')}\n`;
    this.buffer = [];
    this.size = 0;
    this.bytes += Buffer.byteLength(chunk);
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    await this.flush();
    const finished = once(this.stream, 'finish');
    this.stream.end();
    await finished;
  }
}

const ODD = [
  '\u200bZero\u200dWidth\u200b Joiners',
  'حبيبي يا نور العين',
  'שיר\u200f Mixed RTL',
  '🔥🔥 Fire 🔥🔥',
  'Cafe\u0301 Combining',
  'Bell\u0007 And\u001b[2J Escape',
  'Ｆｕｌｌｗｉｄｔｈ Ｔｉｔｌｅ',
  'Tab\u00a0No-Break Space',
  'Sméagol’s “Quoted” Song',
  'Ünïcödé Ävälänche',
];
const FILLERS = ['Intro', 'Interlude', 'Outro', 'Skit', 'Intro (Skit)'];

/** One line of mess in place of a normal track line, or undefined for a normal one. */
function messLine(
  random: Random,
  id: number,
  mess: PlantedMess,
  name: string,
  artist: string,
): string | undefined {
  const r = random();
  if (r < 0.000_002) {
    mess.longNames++;
    // Mostly a few thousand characters (over PostgreSQL's btree limit of 2,704 bytes), rarely 100 KB.
    const length = random() < 0.05 ? 100_000 : 2_000 + int(random, 6_000);
    return `${id}\t${`${name} `.repeat(Math.ceil(length / (name.length + 1))).slice(0, length)}\t${artist}`;
  }
  if (r < 0.000_102) {
    mess.oddUnicode++;
    return `${id}\t${pick(random, ODD)}\t${random() < 0.5 ? artist : pick(random, ODD)}`;
  }
  if (r < 0.005_102) {
    mess.fillerTitles++;
    return `${id}\t${pick(random, FILLERS)}\t${artist}`;
  }
  if (r < 0.005_112) {
    mess.wrongColumns++;
    return random() < 0.5 ? `${id}\t${name}` : `${id}\t${name}\t${artist}\textra`;
  }
  if (r < 0.005_117) {
    mess.badIds++;
    return `${random() < 0.5 ? `x${id}` : `-${id}`}\t${name}\t${artist}`;
  }
  if (r < 0.005_122) {
    mess.blankLines++;
    return '';
  }
  return undefined;
}

export async function writeSyntheticKaggle(
  dir: string,
  options: SyntheticKaggleOptions,
): Promise<SyntheticKaggleFiles> {
  const { songs, interactions, users, seed } = options;
  for (const [name, value] of Object.entries({ songs, interactions, users })) {
    if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
  }
  if (songs > 90_000_000) throw new Error('songs must be at most 90,000,000');
  await mkdir(dir, { recursive: true });
  const trackMeta = join(dir, TRACK_META);
  const interactionsPath = join(dir, INTERACTIONS);

  // Separate streams per concern, so changing one knob does not reshuffle everything else.
  const layout = mulberry32(seed);
  const names = mulberry32(seed ^ 0x5bd1e995);
  const plays = mulberry32(seed ^ 0x27d4eb2f);

  const mess: PlantedMess | undefined = options.mess
    ? {
        longNames: 0,
        oddUnicode: 0,
        fillerTitles: 0,
        wrongColumns: 0,
        badIds: 0,
        blankLines: 0,
        brokenInteractions: 0,
      }
    : undefined;
  const emptyNames = positions(layout, Math.max(1, Math.round(songs * 0.000_003)), 0, songs);
  const duplicates = positions(layout, Math.max(2, Math.round(songs * 0.000_01)), 1, songs);

  // Files are written under a temporary name and renamed when complete: a crash never leaves a half file
  // with the final name.
  const tracks = new LineWriter(`${trackMeta}.partial`);
  await tracks.line('song_id\tsong_name\tband');
  let trackRows = 0;
  let blankRows = 0;
  for (let id = 0; id < songs; id++) {
    const empty = emptyNames.has(id);
    const name = songName(names);
    const artist = band(names);
    if (empty) blankRows++;
    const messy = mess && !empty ? messLine(layout, id, mess, name, artist) : undefined;
    // A blank line is extra: the song still gets its own line after it.
    if (messy === '') await tracks.line('');
    await tracks.line(messy || `${id}\t${empty ? '' : name}\t${artist}`);
    trackRows++;
    if (trackRows % 100_000 === 0) options.onProgress?.(trackRows, songs + interactions);
    if (duplicates.has(id)) {
      // The same id again, renamed: an earlier song re-listed later in the file.
      await tracks.line(`${int(layout, id)}\t${songName(names)} - Single Version\t${band(names)}`);
      trackRows++;
    }
  }
  await tracks.close();

  const rankToId = scatter(songs, plays);
  const rank = powerLaw(songs, 0.9);
  const out = new LineWriter(`${interactionsPath}.partial`);
  await out.line('user,item');
  let unknownItems = 0;
  for (let i = 0; i < interactions; i++) {
    if (i % 100_000 === 0) options.onProgress?.(songs + i, songs + interactions);
    const user = int(plays, users);
    let item: number;
    if (plays() < 0.000_01) {
      item = songs + int(plays, 1_000_000);
      unknownItems++;
    } else {
      item = rankToId(rank(plays()));
    }
    if (mess && plays() < 0.000_001) {
      mess.brokenInteractions++;
      await out.line(plays() < 0.5 ? `u${user},` : `u${user},${item},extra,"unclosed`);
      continue;
    }
    await out.line(`u${user},${item}`);
  }
  await out.close();

  await rename(`${trackMeta}.partial`, trackMeta);
  await rename(`${interactionsPath}.partial`, interactionsPath);
  return {
    trackMeta,
    interactions: interactionsPath,
    trackRows,
    emptyNames: blankRows,
    duplicateIds: duplicates.size,
    interactionRows: interactions,
    unknownItems,
    bytes: tracks.bytes + out.bytes,
    mess,
  };
}
