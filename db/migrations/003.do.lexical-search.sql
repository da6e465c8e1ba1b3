-- The lexical half of hybrid retrieval (db/lexical-search.ts): a song's tags, genre, title and artist as
-- one weighted tsvector — tags weigh most (A), then genre (B), title (C) and artist (D) — under a GIN
-- index, so "night" or "christmas" finds the songs that say so without reading the table. An expression
-- index, not a stored column: adding a column would rewrite every row of a 12.4M-song catalog and store
-- a second copy of its text.
--
-- array_to_string is only STABLE in general (it calls the element type's output function), but for text[]
-- it depends on nothing but its input, which is what lets this wrapper be IMMUTABLE and indexable. The
-- text search configurations are named, not taken from default_text_search_config, for the same reason.
CREATE FUNCTION song_lexemes(name text, artist text, genre text, tags text[]) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT setweight(to_tsvector('english'::regconfig, coalesce(array_to_string(tags, ' '), '')), 'A')
      || setweight(to_tsvector('english'::regconfig, coalesce(genre, '')), 'B')
      || setweight(to_tsvector('english'::regconfig, coalesce(name, '')), 'C')
      || setweight(to_tsvector('simple'::regconfig, coalesce(artist, '')), 'D')
$$;

CREATE INDEX songs_lexemes_idx ON songs USING gin (song_lexemes(name, artist, genre, tags));
