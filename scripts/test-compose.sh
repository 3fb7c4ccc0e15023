#!/usr/bin/env bash
# Proves docker-compose.yml without Docker: what its `cadence` service would run,
# run here. Steps, as the image does them:
#   1. cadence-dev/cmd/compose-render checks every variable, port, volume and image
#      tag of the compose file against the pinned release's image scripts and
#      renders docker/config_template.yaml with the compose environment (entrypoint.sh
#      + start-cadence.sh) into an image-like root;
#   2. a real PostgreSQL (Debian's postgresql) with the compose file's user and
#      password, as the postgres image creates them;
#   3. the schema installed as docker/start.sh does (cadence-sql-tool create,
#      setup-schema -v 0.0, update-schema, for cadence and cadence_visibility);
#   4. the server started from the rendered config (our launcher, as
#      `cadence-server --root $CADENCE_HOME --env docker --config config start`);
#   5. the domain registered with the compose file's register-domain command, and one
#      workflow run through the bridge (start, scans, delivered) by a bridge worker.
# Everything it started is stopped on exit. The builds run first; the rest runs in a
# network namespace of its own (unshare --net), so that the compose file's ports
# (5432, 7833, 7933, 8800) meet no other server on this machine.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$REPO/target}"
STATE="${POSTFLOW_COMPOSE_STATE:-$CARGO_TARGET_DIR/compose-proof}"
say() { echo "test-compose: $*" >&2; }
die() { say "ERROR: $*"; exit 1; }

pg_bin=""
# PostgreSQL runs as the postgres user, which cannot reach a state dir under /root
# (CI keeps its cache in ~/.cache): its files live in a directory of their own.
PG="${TMPDIR:-/tmp}/postflow-compose-pg.$$"
pg_data="$PG/data"
server_pid="" worker_pid=""
cleanup() {
  for pid in $worker_pid $server_pid; do
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  if [[ -n $pg_bin && -f "$pg_data/postmaster.pid" ]]; then
    runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$PG"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Wait (bounded, for a busy machine) until a command succeeds.
wait_until() {
  local secs=$1 what=$2; shift 2
  local deadline=$((SECONDS + secs))
  until "$@" >/dev/null 2>&1; do
    if [[ -n $server_pid ]] && ! kill -0 "$server_pid" 2>/dev/null; then
      tail -n 40 "$STATE/server.log" >&2; die "the server exited while waiting for: $what"
    fi
    ((SECONDS < deadline)) || { [[ -f $STATE/server.log ]] && tail -n 40 "$STATE/server.log" >&2; die "timed out after $secs s waiting for: $what"; }
    sleep 0.5
  done
}

# ---- 0. What it needs: postgresql, the Cadence binaries, the bridge (built here) ----
if [[ ${1:-} != --in-netns ]]; then
  source scripts/lib/debian.sh
  command -v pg_ctlcluster >/dev/null || debian_install postgresql
  scripts/cadence-dev.sh install
  cargo build -q -p cadence-bridge --bin bridge
  mkdir -p "$CARGO_TARGET_DIR"
  (cd cadence-dev && GOFLAGS="-mod=readonly -buildvcs=false" go build -o "$CARGO_TARGET_DIR/compose-render" ./cmd/compose-render)
  trap - EXIT
  exec unshare --net -- bash -c 'ip link set lo up && exec "$0" --in-netns' "$REPO/scripts/test-compose.sh"
fi
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
BIN=$(scripts/cadence-dev.sh bin)
MOD=$(cd cadence-dev && GOFLAGS=-mod=readonly GOPROXY=off go list -m -f '{{.Dir}}' github.com/uber/cadence)
VERSION=$(cd cadence-dev && GOFLAGS=-mod=readonly GOPROXY=off go list -m -f '{{.Version}}' github.com/uber/cadence)

# ---- 1. The compose file, as the image reads it ----
rm -rf "$STATE" && mkdir -p "$STATE/root"
"$CARGO_TARGET_DIR/compose-render" \
  --compose "$REPO/docker-compose.yml" --image-dir "$MOD/docker" --version "$VERSION" \
  --root "$STATE/root" --env-out "$STATE/env.sh"
# shellcheck disable=SC1091
source "$STATE/env.sh"
ln -s "$MOD/schema" "$STATE/root/schema"

# ---- 2. PostgreSQL with the compose file's credentials ----
user=$(awk '/^  postgres:/{p=1} p && /POSTGRES_USER:/{print $2; exit}' docker-compose.yml)
password=$(awk '/^  postgres:/{p=1} p && /POSTGRES_PASSWORD:/{print $2; exit}' docker-compose.yml)
[[ $user == "$POSTGRES_USER" && $password == "$POSTGRES_PWD" ]] ||
  die "the postgres service's user/password ($user/$password) are not the cadence service's ($POSTGRES_USER/$POSTGRES_PWD)"
install -d -m 700 -o postgres -g postgres "$PG" "$pg_data" "$PG/sock" "$PG/log"
printf '%s\n' "$password" >"$PG/pgpass" && chown postgres "$PG/pgpass"
runuser -u postgres -- "$pg_bin/initdb" -D "$pg_data" -U "$user" --pwfile="$PG/pgpass" --auth=scram-sha-256 >/dev/null
runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_data" -l "$PG/log/postgres.log" -w -t 60 \
  -o "-p $DB_PORT -c listen_addresses=127.0.0.1 -k $PG/sock" start >/dev/null ||
  { cat "$PG/log/postgres.log" >&2; die "PostgreSQL did not start"; }
# The postgres image also creates a database named after the user (POSTGRES_DB's default).
PGPASSWORD="$password" "$pg_bin/psql" -h 127.0.0.1 -p "$DB_PORT" -U "$user" -d postgres -qc "create database \"$user\"" >/dev/null
say "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$DB_PORT, user $user"

# ---- 3. The schema, as start.sh's setup_postgres_schema ----
sqltool() { "$BIN/cadence-sql-tool" --plugin postgres --ep "$POSTGRES_SEEDS" -u "$POSTGRES_USER" --pw "$POSTGRES_PWD" -p "$DB_PORT" "$@"; }
for db in "${DBNAME:-cadence}:cadence" "${VISIBILITY_DBNAME:-cadence_visibility}:visibility"; do
  name=${db%%:*} dir=${db##*:}
  # start.sh runs without `set -e`: a database that exists already (cadence, made by
  # the postgres image) only makes `create` complain.
  sqltool create --db "$name" >"$STATE/schema-$name.log" 2>&1 || true
  sqltool --db "$name" setup-schema -v 0.0 >>"$STATE/schema-$name.log" 2>&1
  sqltool --db "$name" update-schema -d "$MOD/schema/postgres/$dir/versioned" >>"$STATE/schema-$name.log" 2>&1 ||
    { cat "$STATE/schema-$name.log" >&2; die "schema of $name"; }
done
say "schema installed (cadence, cadence_visibility)"

# ---- 4. The server, from the rendered config ----
"$BIN/cadence-server" --root "$STATE/root" --env docker --config config --services "$SERVICES" start >"$STATE/server.log" 2>&1 &
server_pid=$!
HTTP="http://127.0.0.1:$FRONTEND_HTTP_PORT"
source scripts/lib/cadence.sh   # rpc, domain_usable
health() { rpc MetaAPI::Health '{}' 3000; }
wait_until 120 "the frontend to answer MetaAPI::Health on :$FRONTEND_HTTP_PORT" health
grep -q 'pluginName.*postgres\|postgres' "$STATE/root/config/docker.yaml"
say "server up on postgres (pid $server_pid)"

# ---- 5. The domain (the compose file's register-domain command) and one workflow ----
cli() { "$BIN/cadence" --transport grpc --address 127.0.0.1:7833 --domain cadence-workshop "$@"; }
register() { cli domain describe || cli domain register --retention 1; }
wait_until 60 "domain cadence-workshop" register
wait_until 60 "domain cadence-workshop to be described" cli domain describe
wait_until 60 "domain cadence-workshop to reach the services' domain caches" domain_usable cadence-workshop
"$CARGO_TARGET_DIR/debug/bridge" worker --timer-unit 1s --poll-timeout 5s >"$STATE/worker.log" 2>&1 &
worker_pid=$!
out=$("$CARGO_TARGET_DIR/debug/bridge" load --workflows 1 --concurrency 1 --prefix compose-proof) ||
  { echo "$out" >&2; tail -n 20 "$STATE/worker.log" >&2; die "the workflow did not complete"; }
echo "$out"
[[ $out == *"lifecycles 1 of 1"* ]] || die "no lifecycle completed: $out"
rows=$(PGPASSWORD="$POSTGRES_PWD" "$pg_bin/psql" -h 127.0.0.1 -p "$DB_PORT" -U "$POSTGRES_USER" -d "${DBNAME:-cadence}" -tAc \
  "select count(*) from executions where workflow_id like 'compose-proof-%'" 2>/dev/null || echo "?")
say "the workflow ran on PostgreSQL (executions rows for it: $rows)"
[[ $rows =~ ^[1-9] ]] || die "the workflow is not in PostgreSQL's executions table"
say "docker-compose.yml's settings give a working Cadence server"
