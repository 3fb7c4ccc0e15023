#!/usr/bin/env bash
# End-to-end test of the web playground (web/): builds it with trunk for
# wasm32-unknown-unknown, serves web/dist on a free 127.0.0.1 port and drives it
# in Debian's Chromium with playwright-core (web/e2e/app.test.mjs).
# Idempotent: installs only what is missing. Runs as root with no tty (CI=true).
#
# Writes target/web-e2e.png (the final state), web-e2e-timeline.png, the tour at
# desktop and phone width (web-e2e-tour.png, web-e2e-tour-phone.png), a finished fleet
# (web-e2e-fleet.png),
# target/web-timings.json (first render) and prints the .wasm size, raw and gzipped.
#
# Usage: scripts/test-web.sh [build|e2e]. With no argument, both. `build` makes the
# page in web/dist and checks the download budget; `e2e` tests the page already built.
# scripts/ci.sh builds in the background while the other tests run, and tests at the end.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export DEBIAN_FRONTEND=noninteractive
phase=${1:-all}
case "$phase" in build | e2e | all) ;; *) echo "usage: $0 [build|e2e]" >&2; exit 2 ;; esac

log() { printf '\n== %s\n' "$*"; }

# trunk build --release in web/ with the given extra arguments.
trunk_build() {
    (
        eval "$(scripts/wasm-toolchain.sh env)"
        export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
        cd web
        trunk build --release --offline "$@"
    )
}

if [ "$phase" != e2e ]; then
    log "toolchain (trunk, wasm-bindgen-cli of Cargo.lock, wasm-opt)"
    scripts/wasm-toolchain.sh install-web "$ROOT/Cargo.lock"
    # trunk builds --offline: the crates of every target in first (a quick check when there).
    cargo fetch --locked --quiet

    log "trunk build --release"
    mkdir -p target
    trunk_build 2>&1 | tee target/web-build.log
    # clippy checks the native build only; code that the page's cfg leaves unused shows
    # up here, as the compiler's warnings on our own crates (cargo repeats them on a
    # cached build too; the registry's and std's are capped and never show).
    if grep -q '^warning: `postflow-[a-z-]*` (.*) generated [0-9]* warning' target/web-build.log; then
        echo "FAIL: the page's build has warnings (above; all of them in target/web-build.log)" >&2
        exit 1
    fi
    wasm=$(ls web/dist/*.wasm)
    raw=$(stat -c %s "$wasm")
    gz=$(gzip -9 -c "$wasm" | wc -c)
    printf 'wasm: %s  %d bytes raw, %d bytes gzipped (gzip -9)\n' "$(basename "$wasm")" "$raw" "$gz"
    # The download budget (docs/web.md): 350 KB gzipped for the whole app, the teaching
    # texts and the fleet section included.
    if [ "$gz" -gt $((350 * 1024)) ]; then
        echo "FAIL: the .wasm is $gz bytes gzipped, over the 350 KB budget (docs/web.md says what it holds)" >&2
        exit 1
    fi
fi
[ "$phase" = build ] && exit 0
ls web/dist/*.wasm >/dev/null 2>&1 || { echo "web/dist has no page built: run scripts/test-web.sh build first" >&2; exit 1; }

log "chromium and playwright-core"
source scripts/lib/debian.sh
command -v chromium >/dev/null || debian_install chromium
(
    cd web/e2e
    if [ -f package-lock.json ]; then
        npm ci --silent --no-audit --no-fund
    else
        npm install --silent --no-audit --no-fund
    fi
)

# Serves web/dist on a free 127.0.0.1 port (in $port), its log in
# target/web-server.log, stopped when this script ends; returns once it accepts
# connections (bounded: a busy machine is slow to start python).
serve() {
    local log="$ROOT/target/web-server.log" server i
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    mkdir -p "$ROOT/target"
    python3 -m http.server "$port" --bind 127.0.0.1 --directory web/dist >"$log" 2>&1 &
    server=$!
    trap "kill $server 2>/dev/null || true" EXIT
    for i in $(seq 600); do
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
        kill -0 "$server" 2>/dev/null || { cat "$log" >&2; echo "the server of web/dist exited" >&2; exit 1; }
        sleep 0.1
    done
    echo "the server of web/dist did not listen on $port within 60 s" >&2
    exit 1
}

log "serve web/dist and run the e2e test"
serve
(cd web/e2e && BASE_URL="http://127.0.0.1:$port/" SCREENSHOT="$ROOT/target/web-e2e.png" TIMINGS="$ROOT/target/web-timings.json" \
    node --test --test-reporter=spec app.test.mjs)

echo "screenshots: target/web-e2e.png, target/web-e2e-timeline.png, target/web-e2e-tour.png, target/web-e2e-tour-phone.png, target/web-e2e-fleet.png"
python3 -c 'import json, sys; t = json.load(open(sys.argv[1])); t.pop("all"); print("first render:", json.dumps(t))' "$ROOT/target/web-timings.json"
