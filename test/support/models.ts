import path from 'node:path';
import { LocalEmbedder } from '../../core/local/embedder.ts';
import { loadWordVectors } from '../../core/local/word-vectors.ts';

/** The same cache folder the CLI uses by default, so the word-vector cache is built once per checkout. */
export const WORD_VECTOR_CACHE = path.resolve('.sonic-mood/cache');

let embedder: Promise<LocalEmbedder> | undefined;
export function localEmbedder(): Promise<LocalEmbedder> {
  embedder ??= loadWordVectors(WORD_VECTOR_CACHE).then((v) => new LocalEmbedder(v));
  return embedder;
}
