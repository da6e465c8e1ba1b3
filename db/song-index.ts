/**
 * `SongIndex` over pgvector: cosine distance on the live model's halfvec embeddings, beside full-text search
 * on the songs' own words (lexical-search.ts). Searches and vector reads may be answered by a read replica
 * (replicas.ts); the live model is always the primary's.
 */
import pgvector from 'pgvector';
import type { SearchOptions, SongIndex, Vector } from '../core/ports.ts';
import type { Candidate } from '../core/types.ts';
import { type CandidateRow, toCandidate } from './candidate-rows.ts';
import type { Database } from './database.ts';
import { lexicalSearch, lyricsShare, songsByKey, themesInCatalog } from './lexical-search.ts';
import { type Readers, readersOf } from './replicas.ts';
import { songFilterConditions } from './song-filters.ts';
import { indexParamsOf, quantized, searchSettings } from './vector-index.ts';

export function createSongIndex(primary: Database, readers: Readers = readersOf(primary)): SongIndex {
  return {
    async activeModel() {
      const model = await readers.liveModel();
      return model ? { model: model.name, dimensions: model.dimensions } : null;
    },

    search: (vector: Vector, options: SearchOptions): Promise<Candidate[]> =>
      readers.read(async (db, model) => {
        if (!model) return [];
        if (vector.length !== model.dimensions) {
          throw new Error(`query vector has ${vector.length} dimensions, the live model ${model.dimensions}`);
        }
        // The dimension and model id are integers from our own table, inlined so the planner can match the
        // partial expression index `((embedding::halfvec(D))) WHERE model_id = N` (a parameter cannot).
        const d = Number(model.dimensions);
        const params: unknown[] = [pgvector.toSql(Array.from(vector)), options.limit];
        const inner = [`e.model_id = ${Number(model.id)}`];
        const outer = songFilterConditions(options.filters, params);
        if (options.excludeSongIds && options.excludeSongIds.length > 0) {
          params.push(options.excludeSongIds);
          inner.push(`e.song_id <> ALL($${params.length}::bigint[])`);
        }
        const columns = `s.id::text AS id, s.name, s.artist, s.year::int AS year, s.genre, s.tags,
                s.popularity_score AS popularity,
                1 - (e.embedding::halfvec(${d}) <=> $1::halfvec(${d})) AS similarity`;
        let sql: string;
        if (model.indexKind === 'ivfflat-bq') {
          // Hamming distance on the bits finds `rerank` × limit candidates; exact cosine orders them.
          params.push(indexParamsOf('ivfflat-bq', model.indexParams).rerank * options.limit);
          sql = `SELECT ${columns}
         FROM (SELECT e.song_id, e.embedding FROM song_embeddings e
               WHERE ${inner.join(' AND ')}
               ORDER BY ${quantized('e.embedding', d)} <~> ${quantized('$1', d)}
               LIMIT $${params.length}) e
         JOIN songs s ON s.id = e.song_id
         ${outer.length > 0 ? `WHERE ${outer.join(' AND ')}` : ''}
         ORDER BY e.embedding::halfvec(${d}) <=> $1::halfvec(${d})
         LIMIT $2`;
        } else {
          sql = `SELECT ${columns}
         FROM song_embeddings e JOIN songs s ON s.id = e.song_id
         WHERE ${[...inner, ...outer].join(' AND ')}
         ORDER BY e.embedding::halfvec(${d}) <=> $1::halfvec(${d})
         LIMIT $2`;
        }
        const settings = searchSettings(model);
        // SET LOCAL needs a transaction; exact search (small catalogs) has nothing to set.
        const rows =
          settings.length === 0
            ? (await db.query<CandidateRow>(sql, params)).rows
            : await db.transaction(async (tx) => {
                for (const setting of settings) await tx.query(setting);
                return (await tx.query<CandidateRow>(sql, params)).rows;
              });
        return rows.map(toCandidate);
      }),

    async vectorsOf(songIds) {
      if (songIds.length === 0) return [];
      return readers.read(async (db, model) => {
        if (!model) return [];
        const rows = (
          await db.query<{ embedding: string }>(
            `SELECT embedding::text AS embedding FROM song_embeddings
           WHERE model_id = $1 AND song_id = ANY($2::bigint[])`,
            [model.id, songIds],
          )
        ).rows;
        return rows.map((r) => Float32Array.from(pgvector.fromSql(r.embedding) as number[]));
      });
    },

    lexicalSearch: (vector, query) =>
      readers.read(async (db, model) => {
        if (!model) return [];
        checkDimensions(vector, model.dimensions);
        return lexicalSearch(db, model, vector, query);
      }),

    themesInCatalog: (themes, filters) => readers.read((db) => themesInCatalog(db, themes, filters)),

    songsByKey: (keys, vector) =>
      readers.read(async (db, model) => {
        if (!model) return [];
        checkDimensions(vector, model.dimensions);
        return songsByKey(db, model, keys, vector);
      }),

    lyricsShare: () => readers.read((db) => lyricsShare(db)),
  };
}

function checkDimensions(vector: Vector, dimensions: number): void {
  if (vector.length !== dimensions) {
    throw new Error(`query vector has ${vector.length} dimensions, the live model ${dimensions}`);
  }
}
