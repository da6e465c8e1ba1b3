-- Sonic Mood schema: one schema for native PostgreSQL + pgvector and embedded PGlite + pgvector.
CREATE EXTENSION IF NOT EXISTS vector;

CREATE TABLE songs (
  -- Stable id: the dataset's song_id, or a hash of the normalised (name, artist) for catalogs without one.
  id bigint PRIMARY KEY,
  name text NOT NULL,
  artist text,
  year smallint,
  genre text,
  tags text[] NOT NULL DEFAULT '{}',
  lyrics text,
  interactions_count bigint NOT NULL DEFAULT 0,
  unique_users bigint NOT NULL DEFAULT 0,
  avg_interactions_per_user double precision NOT NULL DEFAULT 0,
  popularity_score double precision NOT NULL DEFAULT 0,
  -- Normalised "title|artist" used to match lyrics datasets; see db/ingest/normalize.ts.
  match_key text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX songs_match_key_idx ON songs (match_key);

-- One row per embedding model the catalog has been (or is being) embedded with.
-- Exactly one model is active: /mood searches its index; a re-index builds a new one beside it.
CREATE TABLE embedding_models (
  id smallint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL UNIQUE,
  dimensions integer NOT NULL CHECK (dimensions BETWEEN 1 AND 4000),
  is_active boolean NOT NULL DEFAULT false,
  index_state text NOT NULL DEFAULT 'none'
    CHECK (index_state IN ('none', 'embedding', 'building', 'ready', 'failed')),
  index_kind text CHECK (index_kind IN ('exact', 'hnsw', 'ivfflat')),
  index_params jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  activated_at timestamptz
);
CREATE UNIQUE INDEX embedding_models_one_active ON embedding_models ((true)) WHERE is_active;

-- halfvec without a fixed dimension so models of different sizes share the table; each model's ANN index is
-- a partial expression index `((embedding::halfvec(D))) WHERE model_id = …`, the layout pgvector documents
-- for mixed dimensions.
CREATE TABLE song_embeddings (
  model_id smallint NOT NULL REFERENCES embedding_models (id) ON DELETE CASCADE,
  song_id bigint NOT NULL REFERENCES songs (id) ON DELETE CASCADE,
  embedding halfvec NOT NULL,
  PRIMARY KEY (model_id, song_id)
);

-- Spotify lookups shared by every worker: a URL for a hit, NULL for a miss; both expire.
CREATE TABLE spotify_links (
  song_id bigint PRIMARY KEY REFERENCES songs (id) ON DELETE CASCADE,
  url text,
  kind text CHECK (kind IN ('track', 'search')),
  expires_at timestamptz NOT NULL
);
