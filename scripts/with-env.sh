#!/usr/bin/env bash
# Runs a command with the local services' settings (scripts/env.sh): Temporal address, MinIO
# endpoint and credentials, the offline DuckDB extension folder. Values already set win. On a
# machine whose Node is older than 22, the command runs on the project's Node 24 (.tools/).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
use_node supported
exec "$@"
