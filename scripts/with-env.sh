#!/usr/bin/env bash
# Runs a command with the local services' settings (scripts/env.sh): Temporal address, MinIO
# endpoint and credentials, the offline DuckDB extension folder. Values already set win.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
exec "$@"
