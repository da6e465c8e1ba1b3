/** A model's recorded name is built and read in one place, and every embedder spells it that way. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../core/config.ts';
import { formatModelRef, parseModelRef, requestedModel } from '../core/models.ts';
import { createOpenAIClient } from '../core/openai/client.ts';
import { OpenAIEmbedder } from '../core/openai/embedder.ts';
import { createModelProviders } from '../core/providers.ts';
import { StoredReindexJobData } from '../workers/jobs.ts';

const QWEN = 'accounts/fireworks/models/qwen3-embedding-8b';

describe('model identity', () => {
  it('formats and parses back every recorded name, local and remote', () => {
    for (const [recorded, dimensions] of [
      [`openai:${QWEN}@1024`, 1024],
      ['openai:text-embedding-3-small@512', 512],
      ['local:glove-mood-116@2', 116],
    ] as const) {
      const ref = parseModelRef(recorded, dimensions);
      expect(ref?.dimensions).toBe(dimensions);
      expect(ref && formatModelRef(ref)).toBe(recorded);
    }
    expect(parseModelRef(`openai:${QWEN}@1024`, 1024)).toEqual({
      provider: 'openai',
      name: QWEN,
      dimensions: 1024,
    });
  });

  it('refuses a remote name whose size disagrees with the recorded dimensions, and unknown providers', () => {
    expect(parseModelRef('openai:text-embedding-3-small@1024', 512)).toBeUndefined();
    expect(parseModelRef('openai:text-embedding-3-small', 512)).toBeUndefined();
    expect(parseModelRef('cohere:embed-v3@1024', 1024)).toBeUndefined();
    expect(parseModelRef('text-embedding-3-small', 1024)).toBeUndefined();
  });

  it('sizes a model named without dimensions by EMBEDDING_DIMENSIONS', () => {
    const config = loadConfig({ EMBEDDING_DIMENSIONS: '768' });
    expect(requestedModel(config.models, 'text-embedding-3-small')).toEqual({
      provider: 'openai',
      name: 'text-embedding-3-small',
      dimensions: 768,
    });
    expect(requestedModel(config.models, 'text-embedding-3-small', 256).dimensions).toBe(256);
  });

  it('the OpenAI embedder records its model under the name formatModelRef gives', () => {
    const config = loadConfig({ OPENAI_API_KEY: 'sk-test' });
    const embedder = new OpenAIEmbedder({
      client: createOpenAIClient(config.models),
      model: 'text-embedding-3-small',
      dimensions: 512,
      queryInstruction: '',
    });
    expect(embedder.model).toBe(
      formatModelRef({ provider: 'openai', name: 'text-embedding-3-small', dimensions: 512 }),
    );
  });

  it('finds an embedder for a recorded remote model only at its own size, and only with an API key', async () => {
    const withKey = await createModelProviders(loadConfig({ OPENAI_API_KEY: 'sk-test' }));
    const found = withKey.embedderFor('openai:text-embedding-3-small@512', 512);
    expect([found?.model, found?.dimensions]).toEqual(['openai:text-embedding-3-small@512', 512]);
    expect(withKey.embedderFor('openai:text-embedding-3-small@512', 1024)).toBeUndefined();
    const withoutKey = await createModelProviders(loadConfig({}));
    expect(withoutKey.embedderFor('openai:text-embedding-3-small@512', 512)).toBeUndefined();
    expect(withoutKey.embedderFor(withoutKey.embedder.model, withoutKey.embedder.dimensions)).toBe(
      withoutKey.embedder,
    );
  }, 60_000);

  it('reads a re-index job queued before the model was a ModelRef', () => {
    const legacy = {
      v: 1,
      model: 'openai:text-embedding-3-small@512',
      dimensions: 512,
      full: true,
      requestedBy: { platform: 'discord', userId: '1' },
    };
    expect(StoredReindexJobData.parse(legacy)).toEqual({
      v: 2,
      model: { provider: 'openai', name: 'text-embedding-3-small', dimensions: 512 },
      full: true,
      requestedBy: { platform: 'discord', userId: '1' },
    });
    // The disagreement a v1 job could hold is refused, not guessed at.
    expect(StoredReindexJobData.safeParse({ ...legacy, dimensions: 1024 }).success).toBe(false);
  });
});
