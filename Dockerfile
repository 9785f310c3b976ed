# The s3bridge image: the worker by default, the `s3bridge` CLI with `docker compose run --rm cli ...`.
# Not exercised in this project's CI (no Docker engine there); see docs/operations.md, "Docker".
# Two stages: `build` installs every dependency, compiles dist/ (`npm run build`) and bundles the
# workflows; the image holds only the runtime dependencies and dist/ (no TypeScript, no tsx).
FROM node:24-bookworm-slim AS build

WORKDIR /app
# The project's own install path (scripts/install-tools.sh npm: `npm install` with the locked
# versions; see docs/limitations.md on why not `npm ci`), in a layer of its own.
COPY package.json package-lock.json ./
COPY scripts/env.sh scripts/install-tools.sh ./scripts/
RUN bash scripts/install-tools.sh npm

COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY workflows ./workflows
COPY activities ./activities
COPY scripts ./scripts
# Workflows are bundled at build time, from the compiled dist/workflows: the worker starts without
# webpack and runs exactly this code. Two bundles: the second encodes failures, for workers with
# payload encryption on (S3BRIDGE_CODEC_KEY).
RUN bash scripts/build.sh \
 && node dist/scripts/bundle-workflows.js /app/dist/workflow-bundle.js \
 && node dist/scripts/bundle-workflows.js --encoded-failures /app/dist/workflow-bundle-encoded.js

FROM node:24-bookworm-slim

WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts/env.sh scripts/install-tools.sh ./scripts/
# Runtime dependencies only (npm reads NPM_CONFIG_OMIT): the dev tools stay in the build stage.
RUN NPM_CONFIG_OMIT=dev bash scripts/install-tools.sh npm && npm cache clean --force

COPY bin ./bin
COPY --from=build /app/dist ./dist
RUN ln -s /app/bin/s3bridge.js /usr/local/bin/s3bridge \
 && mkdir -p /data && chown node:node /data

# DuckDB installs httpfs from its extension site at first use (into the node user's home); set
# S3BRIDGE_DUCKDB_EXTENSION_DIR to a mounted folder for closed networks.
ENV S3BRIDGE_DATA_DIR=/data \
    S3BRIDGE_WORKFLOW_BUNDLE=/app/dist/workflow-bundle.js \
    S3BRIDGE_WORKFLOW_BUNDLE_ENCODED=/app/dist/workflow-bundle-encoded.js \
    S3BRIDGE_METRICS_ADDRESS=0.0.0.0:9464
VOLUME /data
EXPOSE 9464

USER node
CMD ["node", "dist/src/worker/main.js"]
