/** A model's `index_params` is JSON an operator may edit by hand; a search never sends SQL a bad value. */
import { describe, expect, it } from 'vitest';
import { searchSettings } from '../db/vector-index.ts';

describe('index_params', () => {
  it('sets the stored search settings of each index kind', () => {
    expect(searchSettings({ indexKind: 'hnsw', indexParams: { efSearch: 250 } })[0]).toBe(
      'SET LOCAL hnsw.ef_search = 250',
    );
    expect(searchSettings({ indexKind: 'ivfflat-bq', indexParams: { probes: 30, rerank: 4 } })[0]).toBe(
      'SET LOCAL ivfflat.probes = 30',
    );
    expect(searchSettings({ indexKind: 'exact', indexParams: {} })).toEqual([]);
  });

  it('falls back to the defaults for a missing or unreadable value instead of sending NaN', () => {
    expect(searchSettings({ indexKind: 'hnsw', indexParams: { efSearch: 'lots' } })[0]).toBe(
      'SET LOCAL hnsw.ef_search = 100',
    );
    expect(searchSettings({ indexKind: 'ivfflat', indexParams: { probes: -3 } })[0]).toBe(
      'SET LOCAL ivfflat.probes = 10',
    );
    expect(searchSettings({ indexKind: 'ivfflat', indexParams: {} })[0]).toBe(
      'SET LOCAL ivfflat.probes = 10',
    );
  });
});
