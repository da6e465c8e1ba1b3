/** Vector arithmetic the pipeline shares: blends of unit vectors, and the one vector an embedding call returns. */
import { MoodError, MoodErrorCode } from './errors.ts';
import type { Vector } from './ports.ts';

export function first(vectors: Vector[]): Vector {
  const v = vectors[0];
  if (!v)
    throw new MoodError(MoodErrorCode.EmbeddingUnavailable, 'The embedder returned no vector', {
      retryable: true,
    });
  return v;
}

/** (1 − w)·a + w·b, renormalised to unit length. */
export function blend(a: Vector, b: Vector, weight: number): Vector {
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = (1 - weight) * (a[i] ?? 0) + weight * (b[i] ?? 0);
  return normalizeInPlace(out);
}

/** Scales `v` to unit length in place (a zero vector stays zero) and returns it. */
export function normalizeInPlace(v: Float32Array): Float32Array {
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < v.length; i++) v[i] = (v[i] ?? 0) / norm;
  return v;
}
