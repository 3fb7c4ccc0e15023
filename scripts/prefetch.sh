#!/usr/bin/env bash
# Downloads and installs, in one go, what the test command needs from package
# registries: Debian's packages (one `apt-get update` for all of them), the e2e
# test's npm packages and the Go modules of the Cadence dev server. It is mostly
# network and disk work, so scripts/ci.sh runs it in the background while cargo
# compiles, and waits for it before the first step that needs it. Idempotent: on a
# warm machine every part is a quick check.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export DEBIAN_FRONTEND=noninteractive

# Every Debian package any test script installs (each script still checks its own).
APT_PACKAGES=(rustc-web cargo-web rust-web-src lld-22 chromium tmux postgresql)

log() { echo "prefetch: $*" >&2; }

source "$ROOT/scripts/lib/debian.sh"
debian_install "${APT_PACKAGES[@]}"

if command -v npm >/dev/null; then
    (cd "$ROOT/web/e2e" && { [ -d node_modules/playwright-core ] || npm ci --silent --no-audit --no-fund; })
fi

if command -v go >/dev/null; then
    for mod in "$ROOT"/cadence-dev "$ROOT"/go; do
        [ -f "$mod/go.mod" ] && (cd "$mod" && GOFLAGS=-mod=readonly go mod download)
    done
fi
log "done"
