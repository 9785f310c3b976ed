# Shared settings for the service scripts. Sourced, not run.
# Every value can be overridden from the environment.
S3BRIDGE_ROOT="${S3BRIDGE_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
TOOLS_DIR="${S3BRIDGE_TOOLS_DIR:-$S3BRIDGE_ROOT/.tools}"
RUN_DIR="$TOOLS_DIR/run"
BIN_DIR="$TOOLS_DIR/bin"

# Pinned versions: bump deliberately. Temporal CLI releases from v1.6.0 on carry a `replace`
# directive that `go install` refuses, so v1.5.1 is the newest installable one.
TEMPORAL_CLI_VERSION="${TEMPORAL_CLI_VERSION:-v1.5.1}"
MINIO_VERSION="${MINIO_VERSION:-v0.0.0-20260212201848-7aac2a2c5b7c}"
MC_VERSION="${MC_VERSION:-v0.0.0-20250313080218-cf909e1063a9}"
TOXIPROXY_VERSION="${TOXIPROXY_VERSION:-v2.12.0}"
DUCKDB_VERSION="${DUCKDB_VERSION:-1.4.4}"
DUCKDB_HTTPFS_WHEEL_VERSION="${DUCKDB_HTTPFS_WHEEL_VERSION:-1.4.4.20260205}"
DUCKDB_DUCKLAKE_WHEEL_VERSION="${DUCKDB_DUCKLAKE_WHEEL_VERSION:-1.4.4.20260205}"
DUCKDB_POSTGRES_WHEEL_VERSION="${DUCKDB_POSTGRES_WHEEL_VERSION:-1.4.4.20260205}"

TEMPORAL_HOST="${TEMPORAL_HOST:-127.0.0.1}"
TEMPORAL_PORT="${TEMPORAL_PORT:-7233}"
TEMPORAL_UI_PORT="${TEMPORAL_UI_PORT:-8233}"
MINIO_HOST="${MINIO_HOST:-127.0.0.1}"
MINIO_PORT="${MINIO_PORT:-9000}"
MINIO_CONSOLE_PORT="${MINIO_CONSOLE_PORT:-9001}"
POSTGRES_HOST="${POSTGRES_HOST:-127.0.0.1}"
POSTGRES_PORT="${POSTGRES_PORT:-55432}"
# Local development credentials for the loopback Postgres only (the shared setup's catalog).
POSTGRES_USER="${POSTGRES_USER:-s3bridge}"
POSTGRES_DB="${POSTGRES_DB:-s3bridge}"
export S3BRIDGE_LOCAL_POSTGRES_PASSWORD="${S3BRIDGE_LOCAL_POSTGRES_PASSWORD:-s3bridge-local-pg}"
# Local development credentials for the embedded MinIO only; never used against AWS.
export MINIO_ROOT_USER="${MINIO_ROOT_USER:-s3bridge}"
export MINIO_ROOT_PASSWORD="${MINIO_ROOT_PASSWORD:-s3bridge-local-secret}"

export TEMPORAL_ADDRESS="${TEMPORAL_ADDRESS:-$TEMPORAL_HOST:$TEMPORAL_PORT}"
export S3BRIDGE_S3_ENDPOINT="${S3BRIDGE_S3_ENDPOINT:-http://$MINIO_HOST:$MINIO_PORT}"
export S3BRIDGE_DUCKDB_EXTENSION_DIR="${S3BRIDGE_DUCKDB_EXTENSION_DIR:-$TOOLS_DIR/duckdb-extensions}"

log() { printf '[s3bridge] %s\n' "$*" >&2; }

# Node: s3bridge runs on Node 22 and 24 (package.json "engines"); the test command runs on Node 24
# LTS, as CI does. Where the machine's Node does not fit, `install-tools.sh node` installs the npm
# registry's `node` package (its install fetches the platform's binary package) into .tools/.
NODE_VERSION="${S3BRIDGE_NODE_VERSION:-24.21.0}"
NODE_DIR="$TOOLS_DIR/node-v$NODE_VERSION"

# use_node test|supported: puts Node 24 first on PATH unless the machine's `node` already fits
# (`test`: major 24; `supported`: 22 or newer). Everything started afterwards runs on it: npm,
# npx, tsc, eslint, vitest, and the CLIs and workers they spawn (process.execPath, `env node`).
use_node() {
  local major
  major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  case "$1" in
    test) [[ "$major" == 24 ]] && return 0 ;;
    supported) (( major >= 22 )) && return 0 ;;
    *) log "use_node: expected test or supported, got '$1'"; return 2 ;;
  esac
  bash "$S3BRIDGE_ROOT/scripts/install-tools.sh" node
  export PATH="$NODE_DIR/bin:$PATH"
}
