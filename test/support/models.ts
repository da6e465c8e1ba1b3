import path from 'node:path';
import { type LocalEmbedder, loadLocalEmbedder } from '../../core/local/embedder.ts';

/** The same cache folder the CLI uses by default, so the word-vector cache is built once per checkout. */
export const WORD_VECTOR_CACHE = path.resolve('.sonic-mood/cache');

let embedder: Promise<LocalEmbedder> | undefined;
export function localEmbedder(): Promise<LocalEmbedder> {
  embedder ??= loadLocalEmbedder(WORD_VECTOR_CACHE);
  return embedder;
}
