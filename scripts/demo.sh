#!/usr/bin/env bash
# The main job end to end on embedded defaults: local Temporal, local MinIO with sample data,
# the DuckDB warehouse in .s3bridge/. Services are left running so the Temporal UI shows the
# runs; `npm run services:stop` stops them.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/env.sh
use_node supported
log "Node $(node --version)"
bash scripts/install-tools.sh npm
bash scripts/build.sh
bash scripts/services.sh start
exec node dist/src/demo/run-demo.js "$@"
