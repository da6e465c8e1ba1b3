import type OpenAI from 'openai';
import { z } from 'zod';
import { MoodError, MoodErrorCode } from '../errors.ts';
import { formatModelRef } from '../models.ts';
import type { Embedder, EmbedMode, Vector } from '../ports.ts';
import { toModelError } from './client.ts';

/** OpenAI caps an embeddings request at 2,048 inputs; Fireworks and vLLM accept fewer, so stay well under. */
const MAX_BATCH = 256;

export interface OpenAIEmbedderOptions {
  readonly client: OpenAI;
  /** The provider's model name, e.g. `accounts/fireworks/models/qwen3-embedding-8b`. */
  readonly model: string;
  readonly dimensions: number;
  /** Task instruction for the query side of instruction-tuned models (Qwen3-Embedding); empty for none. */
  readonly queryInstruction: string;
}

/** Compatible servers differ, so the response is checked rather than trusted. */
const EmbeddingResponse = z.object({
  data: z.array(z.object({ index: z.number().int().nonnegative(), embedding: z.array(z.number()) })),
});

export class OpenAIEmbedder implements Embedder {
  readonly model: string;
  readonly dimensions: number;
  readonly #client: OpenAI;
  readonly #modelName: string;
  readonly #queryInstruction: string;

  constructor(options: OpenAIEmbedderOptions) {
    this.#client = options.client;
    this.#modelName = options.model;
    this.dimensions = options.dimensions;
    this.#queryInstruction = options.queryInstruction.trim();
    this.model = formatModelRef({ provider: 'openai', name: options.model, dimensions: options.dimensions });
  }

  async embed(texts: readonly string[], mode: EmbedMode): Promise<Vector[]> {
    const inputs = mode === 'query' ? texts.map((text) => this.#formatQuery(text)) : [...texts];
    const vectors: Vector[] = [];
    // Sequential on purpose: batches come from one job, and parallel bursts only earn 429s.
    for (let start = 0; start < inputs.length; start += MAX_BATCH) {
      vectors.push(...(await this.#embedBatch(inputs.slice(start, start + MAX_BATCH))));
    }
    return vectors;
  }

  /** The Qwen3-Embedding query format; documents are embedded without an instruction. */
  #formatQuery(text: string): string {
    return this.#queryInstruction === '' ? text : `Instruct: ${this.#queryInstruction}\nQuery:${text}`;
  }

  async #embedBatch(inputs: string[]): Promise<Vector[]> {
    let raw: unknown;
    try {
      raw = await this.#client.embeddings.create({
        model: this.#modelName,
        input: inputs,
        dimensions: this.dimensions,
        encoding_format: 'float',
      });
    } catch (error) {
      throw toModelError(MoodErrorCode.EmbeddingUnavailable, 'Embedding request', error);
    }
    const parsed = EmbeddingResponse.safeParse(raw);
    if (!parsed.success) {
      throw new MoodError(MoodErrorCode.EmbeddingUnavailable, 'Embedding response was malformed', {
        retryable: true,
        cause: parsed.error,
      });
    }
    const byIndex = new Map(parsed.data.data.map((item) => [item.index, item.embedding]));
    return inputs.map((_, index) => {
      const embedding = byIndex.get(index);
      if (embedding === undefined) {
        throw new MoodError(
          MoodErrorCode.EmbeddingUnavailable,
          `Embedding response had ${parsed.data.data.length} vectors for ${inputs.length} inputs`,
          { retryable: true },
        );
      }
      if (embedding.length !== this.dimensions) {
        throw new MoodError(
          MoodErrorCode.IndexMismatch,
          `Embedding model ${this.#modelName} returned ${embedding.length} dimensions, expected ${this.dimensions}`,
        );
      }
      return normalise(embedding);
    });
  }
}

/** Matryoshka-truncated vectors are not unit length even when the full ones are. */
function normalise(values: readonly number[]): Vector {
  let sum = 0;
  for (const v of values) sum += v * v;
  const norm = Math.sqrt(sum);
  if (!(norm > 0) || !Number.isFinite(norm)) {
    throw new MoodError(
      MoodErrorCode.EmbeddingUnavailable,
      'Embedding model returned a zero or invalid vector',
    );
  }
  const vector = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) vector[i] = (values[i] ?? 0) / norm;
  return vector;
}
