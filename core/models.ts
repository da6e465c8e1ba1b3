/**
 * The identity of an embedding model: which provider serves it, its name there and the size of its vectors.
 * The database records a model by one string (`embedding_models.name`); {@link formatModelRef} and
 * {@link parseModelRef} are the only code that builds or reads that string, so a job, a command and the
 * database cannot spell the same model two ways.
 */
import { z } from 'zod';

export const MODEL_PROVIDERS = ['local', 'openai'] as const;
export type ModelProvider = (typeof MODEL_PROVIDERS)[number];

/** pgvector's halfvec limit, and the range EMBEDDING_DIMENSIONS accepts. */
export const MAX_DIMENSIONS = 4000;

export const ModelRef = z.object({
  provider: z.enum(MODEL_PROVIDERS),
  /**
   * `openai`: the provider's model name (`accounts/fireworks/models/qwen3-embedding-8b`); `local`: the local
   * model with its version (`glove-mood-116@2`), which changes when what its vectors mean changes.
   */
  name: z.string().min(1).max(200),
  dimensions: z.number().int().min(1).max(MAX_DIMENSIONS),
});
export type ModelRef = z.infer<typeof ModelRef>;

/**
 * The recorded name: `openai:<model>@<dimensions>` (one model at two sizes is two indexes) or `local:<name>`
 * (the local model's size follows from its version, so the name carries the version instead).
 */
export function formatModelRef(ref: ModelRef): string {
  return ref.provider === 'openai' ? `openai:${ref.name}@${ref.dimensions}` : `local:${ref.name}`;
}

/**
 * The model a recorded name and dimension stand for; undefined for a name no provider here writes, or an
 * `openai:` name whose size disagrees with the recorded dimension.
 */
export function parseModelRef(recorded: string, dimensions: number): ModelRef | undefined {
  const separator = recorded.indexOf(':');
  const provider = recorded.slice(0, separator);
  const rest = recorded.slice(separator + 1);
  if (separator < 1 || rest === '') return undefined;
  let ref: unknown;
  if (provider === 'local') ref = { provider, name: rest, dimensions };
  else if (provider === 'openai') {
    const at = rest.lastIndexOf('@');
    if (at < 1 || rest.slice(at + 1) !== String(dimensions)) return undefined;
    ref = { provider, name: rest.slice(0, at), dimensions };
  }
  const parsed = ModelRef.safeParse(ref);
  return parsed.success ? parsed.data : undefined;
}

/**
 * The model an operator asks to index by name (`--model`, `/mood-admin reindex model:`): always a remote,
 * OpenAI-compatible one, at the dimensions asked for or else EMBEDDING_DIMENSIONS, the size the configured
 * embedder uses. Every front end goes through here, so a command without dimensions builds the same index
 * wherever it was typed.
 */
export function requestedModel(
  models: { readonly embeddingDimensions: number },
  name: string,
  dimensions?: number,
): ModelRef {
  return ModelRef.parse({ provider: 'openai', name, dimensions: dimensions ?? models.embeddingDimensions });
}
