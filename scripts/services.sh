#!/usr/bin/env bash
# Starts, stops and reports the local services on loopback: Temporal's dev server and MinIO, and
# Postgres (the shared setup's catalog) when S3BRIDGE_STORE=shared or S3BRIDGE_WITH_POSTGRES=1.
# `start` reuses a service that is already healthy and records only what it started itself,
# so `stop` never kills a service someone else runs.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
mkdir -p "$RUN_DIR"

temporal_healthy() {
  "$BIN_DIR/temporal" operator cluster health --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1
}
minio_healthy() {
  curl -sf -o /dev/null "$S3BRIDGE_S3_ENDPOINT/minio/health/ready"
}

wait_for() {
  local name="$1" check="$2" pidfile="$3" deadline=$((SECONDS + ${4:-90}))
  until "$check"; do
    if [[ -f "$pidfile" ]] && ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      log "$name exited during start-up; its log follows"; tail -n 40 "$RUN_DIR/$name.log" >&2; exit 1
    fi
    (( SECONDS < deadline )) || { log "$name not ready in time; see $RUN_DIR/$name.log"; exit 1; }
    sleep 0.3
  done
}

start_temporal() {
  if temporal_healthy; then log "Temporal already serving at $TEMPORAL_ADDRESS (reused)"; return; fi
  log "starting Temporal dev server at $TEMPORAL_ADDRESS (UI http://$TEMPORAL_HOST:$TEMPORAL_UI_PORT)"
  # A fresh in-memory dev server each start keeps test runs independent; pass
  # S3BRIDGE_TEMPORAL_DB to keep history across restarts.
  local db_args=()
  [[ -n "${S3BRIDGE_TEMPORAL_DB:-}" ]] && db_args=(--db-filename "$S3BRIDGE_TEMPORAL_DB")
  # s3bridge's typed search attributes (src/workflow-safe/observability/search-attributes.ts): every run
  # upserts them, so the server must know them before the worker starts.
  setsid nohup "$BIN_DIR/temporal" server start-dev \
    --ip "$TEMPORAL_HOST" --port "$TEMPORAL_PORT" --ui-port "$TEMPORAL_UI_PORT" \
    --search-attribute S3bridgeConnection=Keyword --search-attribute S3bridgeTable=Keyword \
    --search-attribute S3bridgeKind=Keyword --search-attribute S3bridgeFailedDays=Int \
    --log-level warn "${db_args[@]}" \
    >"$RUN_DIR/temporal.log" 2>&1 </dev/null &
  echo $! >"$RUN_DIR/temporal.pid"
  wait_for temporal temporal_healthy "$RUN_DIR/temporal.pid" 120
  log "Temporal ready"
}

start_minio() {
  if minio_healthy; then log "MinIO already serving at $S3BRIDGE_S3_ENDPOINT (reused)"; return; fi
  log "starting MinIO at $S3BRIDGE_S3_ENDPOINT (console http://$MINIO_HOST:$MINIO_CONSOLE_PORT)"
  mkdir -p "$RUN_DIR/minio-data"
  # A static local KMS key lets MinIO serve SSE-S3 and SSE-KMS (key id "s3bridge-local") like AWS.
  MINIO_KMS_SECRET_KEY="${MINIO_KMS_SECRET_KEY:-s3bridge-local:x0LUwfQvb4IbBYeVsDWhGEtUKhm3NH3mZwXND4W6NVU=}" \
  MINIO_REGION="${MINIO_REGION:-us-east-1}" MINIO_BROWSER_REDIRECT=off MINIO_UPDATE=off \
  setsid nohup "$BIN_DIR/minio" server "$RUN_DIR/minio-data" \
    --address "$MINIO_HOST:$MINIO_PORT" --console-address "$MINIO_HOST:$MINIO_CONSOLE_PORT" --quiet \
    >"$RUN_DIR/minio.log" 2>&1 </dev/null &
  echo $! >"$RUN_DIR/minio.pid"
  wait_for minio minio_healthy "$RUN_DIR/minio.pid" 60
  log "MinIO ready"
}

# Debian's PostgreSQL binaries (apt-get install postgresql), run as a throwaway cluster in
# .tools/run/postgres on loopback. Postgres refuses to run as root, so root runs it as "postgres".
PG_DATA="$RUN_DIR/postgres"
pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [[ -z "$dir" ]]; then
    command -v apt-get >/dev/null || { log "PostgreSQL is required for the shared setup: install it (apt-get install postgresql)"; exit 1; }
    log "installing PostgreSQL (apt-get install postgresql; first run only)"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    dir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi
  echo "$dir"
}
as_pg_user() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}
postgres_healthy() {
  PGPASSWORD="$S3BRIDGE_LOCAL_POSTGRES_PASSWORD" "$(pg_bin)/psql" -h "$POSTGRES_HOST" -p "$POSTGRES_PORT" \
    -U "$POSTGRES_USER" -d "$POSTGRES_DB" -qAtc 'SELECT 1' >/dev/null 2>&1
}
start_postgres() {
  if postgres_healthy; then log "Postgres already serving at $POSTGRES_HOST:$POSTGRES_PORT (reused)"; return; fi
  local bin; bin=$(pg_bin)
  if [[ ! -f "$PG_DATA/PG_VERSION" ]]; then
    log "initialising Postgres in $PG_DATA"
    mkdir -p "$PG_DATA"
    [[ $(id -u) -eq 0 ]] && chown postgres "$PG_DATA"
    local pwfile; pwfile=$(mktemp); printf '%s\n' "$S3BRIDGE_LOCAL_POSTGRES_PASSWORD" >"$pwfile"; chmod 644 "$pwfile"
    as_pg_user "$bin/initdb" -D "$PG_DATA" -U "$POSTGRES_USER" --pwfile="$pwfile" --auth=scram-sha-256 -E UTF8 >/dev/null
    rm -f "$pwfile"
  fi
  log "starting Postgres at $POSTGRES_HOST:$POSTGRES_PORT"
  # Loopback only; fsync off: a test and development cluster, rebuilt from nothing at will.
  as_pg_user "$bin/pg_ctl" -D "$PG_DATA" -l "$PG_DATA/server.log" -w -t 60 \
    -o "-h $POSTGRES_HOST -p $POSTGRES_PORT -k /tmp -c fsync=off -c max_connections=200" start >/dev/null
  head -n 1 "$PG_DATA/postmaster.pid" >"$RUN_DIR/postgres.pid"
  if ! PGPASSWORD="$S3BRIDGE_LOCAL_POSTGRES_PASSWORD" "$bin/psql" -h "$POSTGRES_HOST" -p "$POSTGRES_PORT" -U "$POSTGRES_USER" -d postgres \
      -qAtc "SELECT 1 FROM pg_database WHERE datname = '$POSTGRES_DB'" | grep -q 1; then
    PGPASSWORD="$S3BRIDGE_LOCAL_POSTGRES_PASSWORD" "$bin/createdb" -h "$POSTGRES_HOST" -p "$POSTGRES_PORT" -U "$POSTGRES_USER" "$POSTGRES_DB"
  fi
  wait_for postgres postgres_healthy "$RUN_DIR/postgres.pid" 30
  log "Postgres ready"
}
stop_postgres() {
  [[ -f "$RUN_DIR/postgres.pid" ]] || return 0
  log "stopping Postgres"
  as_pg_user "$(pg_bin)/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null 2>&1 || true
  rm -f "$RUN_DIR/postgres.pid"
}
want_postgres() { [[ "${S3BRIDGE_STORE:-}" == "shared" || -n "${S3BRIDGE_WITH_POSTGRES:-}" ]]; }

# mc talks to MinIO's admin API (users, policies) for the permission tests; the alias is set
# on every start, so a checkout that reuses someone else's MinIO has it too.
mc_alias() {
  MC_CONFIG_DIR="$RUN_DIR/mc" "$BIN_DIR/mc" alias set s3bridge-local "$S3BRIDGE_S3_ENDPOINT" \
    "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD" >/dev/null
}

stop_one() {
  local name="$1" pidfile="$RUN_DIR/$1.pid"
  [[ -f "$pidfile" ]] || return 0
  local pid; pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    log "stopping $name (pid $pid)"
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

case "${1:-}" in
  start)
    bash "$(dirname "${BASH_SOURCE[0]}")/install-tools.sh" services
    start_temporal
    start_minio
    mc_alias
    if want_postgres; then start_postgres; fi ;;
  start-postgres) start_postgres ;;
  stop) stop_one temporal; stop_one minio; stop_postgres ;;
  status)
    temporal_healthy && echo "temporal: serving at $TEMPORAL_ADDRESS" || echo "temporal: down"
    minio_healthy && echo "minio: serving at $S3BRIDGE_S3_ENDPOINT" || echo "minio: down"
    postgres_healthy && echo "postgres: serving at $POSTGRES_HOST:$POSTGRES_PORT" || echo "postgres: down" ;;
  *) log "usage: services.sh start|start-postgres|stop|status"; exit 2 ;;
esac
