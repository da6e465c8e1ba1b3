import type { Writer } from './ports.ts';

export type WriterStage = 'hyde' | 'title';

/**
 * A writer that never fails because a remote model did: each call tries `primary` and, on any error,
 * reports it through `onFallback` and answers with `fallback` (typically the local writer).
 */
export function createFallbackWriter(
  primary: Writer,
  fallback: Writer,
  onFallback?: (stage: WriterStage, error: unknown) => void,
): Writer {
  const report = (stage: WriterStage, error: unknown): void => {
    try {
      onFallback?.(stage, error);
    } catch {
      // A failing logger must not turn a recovered error into a failed playlist.
    }
  };
  return {
    name: `${primary.name}|fallback:${fallback.name}`,
    async hypotheticalLyrics(mood, signal) {
      try {
        return await primary.hypotheticalLyrics(mood, signal);
      } catch (error) {
        report('hyde', error);
        return fallback.hypotheticalLyrics(mood, signal);
      }
    },
    async title(mood, songs, signal) {
      try {
        return await primary.title(mood, songs, signal);
      } catch (error) {
        report('title', error);
        return fallback.title(mood, songs, signal);
      }
    },
  };
}
