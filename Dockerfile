# The s3bridge worker image (used by docker-compose.yml).
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY workflows ./workflows
COPY activities ./activities
# DuckDB installs httpfs from its extension site at first use (the image has internet access);
# set S3BRIDGE_DUCKDB_EXTENSION_DIR to a mounted folder for offline use.
ENV S3BRIDGE_DATA_DIR=/data
VOLUME /data
CMD ["npx", "tsx", "src/worker/main.ts"]
