# The s3bridge image: the worker by default, the `s3bridge` CLI with `docker compose run --rm cli ...`.
# Not exercised in this project's CI (no Docker engine there); see README, "Docker".
FROM node:20-bookworm-slim

WORKDIR /app
ENV AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true

# The project's own install path (scripts/install-tools.sh npm: `npm install` with the locked
# versions; see README, "Known limitations" on why not `npm ci`), in a layer of its own.
COPY package.json package-lock.json ./
COPY scripts/env.sh scripts/install-tools.sh ./scripts/
RUN bash scripts/install-tools.sh npm && npm cache clean --force

COPY tsconfig.json ./
COPY bin ./bin
COPY src ./src
COPY workflows ./workflows
COPY activities ./activities
COPY scripts ./scripts
COPY schemas ./schemas

# Workflows are bundled at build time: the worker starts without webpack and runs exactly this code.
# Two bundles: the second encodes failures, for workers with payload encryption on (S3BRIDGE_CODEC_KEY).
RUN node --require tsx/cjs scripts/bundle-workflows.ts /app/dist/workflow-bundle.js \
 && node --require tsx/cjs scripts/bundle-workflows.ts --encoded-failures /app/dist/workflow-bundle-encoded.js \
 && ln -s /app/bin/s3bridge.js /usr/local/bin/s3bridge \
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
CMD ["node", "--require", "tsx/cjs", "src/worker/main.ts"]
