-- A fourth index kind: IVFFlat over binary-quantized vectors, re-ranked by exact cosine (db/vector-index.ts).
ALTER TABLE embedding_models DROP CONSTRAINT embedding_models_index_kind_check;
ALTER TABLE embedding_models ADD CONSTRAINT embedding_models_index_kind_check
  CHECK (index_kind IN ('exact', 'hnsw', 'ivfflat', 'ivfflat-bq'));
