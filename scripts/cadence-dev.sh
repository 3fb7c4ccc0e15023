#!/usr/bin/env bash
# Local Cadence server for this project's tests, without Docker.
#
#   scripts/cadence-dev.sh install   build cadence-server, cadence-sql-tool, cadence (CLI)
#   scripts/cadence-dev.sh up        install if needed, start, register domain, wait until usable
#   scripts/cadence-dev.sh down      stop the server (SIGTERM, then SIGKILL after a bound)
#   scripts/cadence-dev.sh status    does it run and answer? (exit 0 only if it answers)
#   scripts/cadence-dev.sh logs [-f] last log lines (or follow)
#   scripts/cadence-dev.sh bin       the folder of cadence (the CLI) and cadence-sql-tool, for PATH
#
# The Cadence release is pinned in cadence-dev/go.mod; cadence-dev/config holds
# the server config (SQLite files, HTTP API on 127.0.0.1:8800, gRPC on 7833).
# Environment:
#   POSTFLOW_CACHE  where binaries are cached (default ~/.cache/postflow). Kept
#                   outside the repo because CI clones the repo into a new
#                   folder each run; the build takes minutes, a warm run none.
#   POSTFLOW_CADENCE_STATE  databases, pid file and log (default <repo>/target/cadence-dev)
#   CADENCE_DOMAIN  domain to register (default cadence-workshop)
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DEV="$REPO/cadence-dev"
# One place for the version: the require line of our build module.
VERSION=$(awk '$1 == "github.com/uber/cadence" && $2 ~ /^v/ { print $2; exit }
               $1 == "require" && $2 == "github.com/uber/cadence" { print $3; exit }' "$DEV/go.mod")
# The cache key also covers our launcher and go.sum, so editing them rebuilds.
KEY=$(cat "$DEV/go.mod" "$DEV/go.sum" "$DEV/cmd/cadence-server/main.go" | sha256sum | cut -c1-12)
CACHE="${POSTFLOW_CACHE:-$HOME/.cache/postflow}/cadence-$VERSION-$KEY"
BIN="$CACHE/bin"
STATE="${POSTFLOW_CADENCE_STATE:-$REPO/target/cadence-dev}"
PIDFILE="$STATE/cadence-server.pid"
LOG="$STATE/cadence-server.log"
DOMAIN="${CADENCE_DOMAIN:-cadence-workshop}"
HTTP="http://127.0.0.1:8800"

say() { echo "cadence-dev: $*" >&2; }
die() { say "ERROR: $*"; exit 1; }

source "$REPO/scripts/lib/cadence.sh"   # rpc, domain_usable

cmd_install() {
  if [[ -x "$BIN/cadence-server" && -x "$BIN/cadence-sql-tool" && -x "$BIN/cadence" && -d "$CACHE/schema" ]]; then
    return 0
  fi
  command -v go >/dev/null || die "Go is needed to build Cadence $VERSION (none on PATH)"
  say "building Cadence $VERSION into $BIN (takes a few minutes on a cold Go cache)"
  local tmp
  mkdir -p "$(dirname "$CACHE")"
  tmp=$(mktemp -d "$CACHE.tmp.XXXXXX")
  # -mod=readonly: build exactly what go.mod/go.sum pin. -buildvcs=false: the
  # binaries must not depend on the state of this checkout.
  (cd "$DEV" && GOFLAGS="-mod=readonly -buildvcs=false" go build -trimpath -o "$tmp/bin/cadence-server" ./cmd/cadence-server \
    && GOFLAGS="-mod=readonly -buildvcs=false" go build -trimpath -o "$tmp/bin/cadence-sql-tool" github.com/uber/cadence/cmd/tools/sql \
    && GOFLAGS="-mod=readonly -buildvcs=false" go build -trimpath -o "$tmp/bin/cadence" github.com/uber/cadence/cmd/tools/cli) \
    || { rm -rf "$tmp"; die "go build failed"; }
  # The SQLite schema ships inside the module source; copy it next to the
  # binaries so `up` needs neither Go nor the module cache.
  local src
  src=$(cd "$DEV" && go list -m -f '{{.Dir}}' github.com/uber/cadence)
  mkdir -p "$tmp/schema"
  cp -r "$src/schema/sqlite/cadence" "$tmp/schema/cadence"
  cp -r "$src/schema/sqlite/visibility" "$tmp/schema/visibility"
  chmod -R u+w "$tmp"
  rm -rf "$CACHE" && mv "$tmp" "$CACHE"
  # Builds for an older go.sum/launcher of the same release are dead weight (~250 MB each).
  find "$(dirname "$CACHE")" -maxdepth 1 -name "cadence-$VERSION-*" ! -name "$(basename "$CACHE")" \
    ! -name '*.tmp.*' -exec rm -rf {} + 2>/dev/null || true
  say "installed $(ls "$BIN" | tr '\n' ' ')"
}

server_pid() {  # prints the pid if our server runs, else fails
  local pid
  [[ -f "$PIDFILE" ]] || return 1
  pid=$(cat "$PIDFILE")
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
  # Guard against a recycled pid.
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q cadence-server || return 1
  echo "$pid"
}

healthy() { rpc MetaAPI::Health '{}' 2000 >/dev/null 2>&1; }

install_schema() {
  # The server refuses to start without its schema. Install once per state
  # dir; update-schema is idempotent, so a newer pinned release just upgrades.
  # The schema is installed with DATETIME(6) spelled DATETIME, for the fixed-width
  # time text of base.yaml (_timefmt). State written before that ("schema-<version>"
  # without "-timefmt") has times the server can no longer read: it starts anew.
  local marker="$STATE/schema-$VERSION-timefmt"
  [[ -f "$marker" ]] && return 0
  if ls "$STATE"/schema-* >/dev/null 2>&1 && ! ls "$STATE"/schema-*-timefmt >/dev/null 2>&1; then
    say "recreating the databases in $STATE: they store times in the old encoding, which loses timers"
    rm -f "$STATE"/cadence*.db* "$STATE"/schema-*
  fi
  local schema="$STATE/sqlite-schema"  # not schema-*: that names the markers
  rm -rf "$schema" && cp -r "$CACHE/schema" "$schema"
  find "$schema" -name '*.sql' -exec sed -i 's/DATETIME(6)/DATETIME/g' {} +
  local db dir
  for db in cadence visibility; do
    [[ $db == cadence ]] && dir="$STATE/cadence.db" || dir="$STATE/cadence_visibility.db"
    if ! ls "$STATE"/schema-* >/dev/null 2>&1; then
      rm -f "$dir" "$dir-wal" "$dir-shm"   # leftovers of an interrupted first install
      "$BIN/cadence-sql-tool" --pl sqlite --db "$dir" setup-schema -v 0.0 >>"$LOG" 2>&1 \
        || die "schema setup of $dir failed, see $LOG"
    fi
    "$BIN/cadence-sql-tool" --pl sqlite --db "$dir" update-schema -d "$schema/$db/versioned" >>"$LOG" 2>&1 \
      || die "schema update of $dir failed, see $LOG"
  done
  rm -rf "$schema"
  touch "$marker"
}

wait_until() {  # wait_until SECONDS DESCRIPTION COMMAND...
  local secs=$1 what=$2; shift 2
  local deadline=$((SECONDS + secs))
  until "$@"; do
    if ! server_pid >/dev/null; then
      say "server exited while waiting for: $what. Last log lines:"; tail -n 40 "$LOG" >&2; exit 1
    fi
    if ((SECONDS >= deadline)); then
      say "timed out after $secs s waiting for: $what. Last log lines:"; tail -n 40 "$LOG" >&2; exit 1
    fi
    sleep 1
  done
}

register_domain() {
  # Global domain, like `cadence domain register` (the CLI's default; local
  # domains are legacy). 409 already-exists is fine.
  local out
  if out=$(rpc DomainAPI::RegisterDomain "{\"name\":\"$DOMAIN\",\"workflowExecutionRetentionPeriod\":\"86400s\",\"isGlobalDomain\":true}" 2>&1); then
    say "registered domain $DOMAIN"
  elif grep -qi 'already exists' <<<"$out"; then
    :
  else
    die "RegisterDomain failed: $out"
  fi
}


cmd_up() {
  cmd_install
  mkdir -p "$STATE"
  if pid=$(server_pid); then
    say "already running (pid $pid)"
  else
    rm -f "$PIDFILE"
    # Another server (another state dir, a leftover) would answer our probes.
    if healthy || (exec 3<>/dev/tcp/127.0.0.1/7833) 2>/dev/null; then
      die "ports 8800/7833 are taken by another process (another Cadence? try: ss -ltnp | grep -E ':(8800|7833)')"
    fi
    install_schema
    say "starting cadence-server (state $STATE, log $LOG)"
    # setsid: own session, so a Ctrl-C in the calling shell does not reach it.
    # bash -c 'echo $$; exec': the pid file holds the server's own pid.
    # CADENCE_DEV_STATE is read by cadence-dev/config/base.yaml (database paths).
    CADENCE_DEV_STATE="$STATE" setsid bash -c 'echo $$ >"$0"; exec "$@"' "$PIDFILE" \
      "$BIN/cadence-server" --root "$DEV" --config config --env development start \
      </dev/null >>"$LOG" 2>&1 &
    for _ in 1 2 3 4 5 6 7 8 9 10; do [[ -s "$PIDFILE" ]] && break; sleep 0.2; done
  fi
  wait_until "${CADENCE_START_TIMEOUT:-90}" "the frontend to answer MetaAPI::Health on $HTTP" healthy
  register_domain
  wait_until "${CADENCE_DOMAIN_TIMEOUT:-60}" "domain $DOMAIN to become usable" domain_usable "$DOMAIN"
  say "up: HTTP $HTTP, gRPC 127.0.0.1:7833, domain $DOMAIN (pid $(server_pid))"
}

cmd_down() {
  local pid
  if ! pid=$(server_pid); then
    rm -f "$PIDFILE"; say "not running"; return 0
  fi
  kill -TERM "$pid"
  local deadline=$((SECONDS + ${CADENCE_STOP_TIMEOUT:-20}))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.5; done
  if kill -0 "$pid" 2>/dev/null; then
    say "no exit after SIGTERM, sending SIGKILL"; kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$PIDFILE"
  say "stopped (pid $pid)"
}

cmd_status() {
  local pid
  if ! pid=$(server_pid); then say "not running"; return 3; fi
  if healthy; then say "running (pid $pid) and answering on $HTTP"; return 0; fi
  say "running (pid $pid) but not answering on $HTTP"; return 1
}

cmd_logs() {
  [[ -f "$LOG" ]] || die "no log yet ($LOG)"
  if [[ "${1:-}" == "-f" ]]; then tail -n 50 -f "$LOG"; else tail -n "${1:-100}" "$LOG"; fi
}

case "${1:-}" in
  install) cmd_install; say "binaries in $BIN" ;;
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  logs) shift; cmd_logs "$@" ;;
  bin) echo "$BIN" ;;  # for tests and humans: where cadence / cadence-sql-tool live
  *) echo "usage: $0 install|up|down|status|logs [-f|N]|bin" >&2; exit 2 ;;
esac
