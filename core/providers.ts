/** Picks the model providers the configuration asks for; local ones are always there as the fallback. */
import type { Config } from './config.ts';
import { loadLocalEmbedder } from './local/embedder.ts';
import { LocalExplainer } from './local/explainer.ts';
import { LocalWriter } from './local/writer.ts';
import { formatModelRef, parseModelRef } from './models.ts';
import { createOpenAIClient } from './openai/client.ts';
import { OpenAIEmbedder } from './openai/embedder.ts';
import { OpenAIWriter } from './openai/writer.ts';
import type { Embedder, Explainer, Writer } from './ports.ts';
import { createFallbackWriter, type WriterStage } from './writer-fallback.ts';

export interface ModelProviders {
  /** The configured embedder: what a re-index embeds with by default. */
  readonly embedder: Embedder;
  /** Any model this process can embed with, by its recorded name (`local:…` or `openai:<model>@<dims>`). */
  readonly embedderFor: (model: string, dimensions: number) => Embedder | undefined;
  readonly writer: Writer;
  readonly explainer: Explainer;
}

export async function createModelProviders(
  config: Pick<Config, 'models' | 'cacheDir'>,
  onWriterFallback?: (stage: WriterStage, error: unknown) => void,
): Promise<ModelProviders> {
  // The word vectors back the local writer and the "why" even when a remote model embeds.
  const local = await loadLocalEmbedder(config.cacheDir);
  const localWriter = new LocalWriter(local);
  const usesRemote =
    config.models.embeddingProvider === 'openai' || config.models.writerProvider === 'openai';
  const client = usesRemote ? createOpenAIClient(config.models) : undefined;

  const embedder: Embedder =
    client && config.models.embeddingProvider === 'openai'
      ? new OpenAIEmbedder({
          client,
          model: config.models.embeddingModel,
          dimensions: config.models.embeddingDimensions,
          queryInstruction: config.models.queryInstruction,
        })
      : local;
  const writer: Writer =
    client && config.models.writerProvider === 'openai'
      ? createFallbackWriter(
          new OpenAIWriter({ client, model: config.models.chatModel }),
          localWriter,
          onWriterFallback,
          { deadlineMs: config.models.writerDeadlineMs },
        )
      : localWriter;
  const remote = new Map<string, Embedder>();
  const embedderFor = (model: string, dimensions: number): Embedder | undefined => {
    if (model === embedder.model && dimensions === embedder.dimensions) return embedder;
    if (model === local.model && dimensions === local.dimensions) return local;
    const ref = parseModelRef(model, dimensions);
    // Another local model is another version of this code: its vectors mean something this one cannot say.
    if (ref?.provider !== 'openai' || !config.models.apiKey) return undefined;
    const key = formatModelRef(ref);
    const known = remote.get(key);
    if (known) return known;
    const created = new OpenAIEmbedder({
      client: client ?? createOpenAIClient(config.models),
      model: ref.name,
      dimensions: ref.dimensions,
      queryInstruction: config.models.queryInstruction,
    });
    remote.set(key, created);
    return created;
  };
  return { embedder, embedderFor, writer, explainer: new LocalExplainer(local) };
}
