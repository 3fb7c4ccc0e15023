#!/usr/bin/env bash
# Toolchain for building the workspace to WebAssembly (wasm32-unknown-unknown)
# on Debian 12 machines where `rustup target add wasm32-unknown-unknown` cannot
# download anything (this project's machines and CI).
#
# Instead of rustup's prebuilt wasm std we use Debian's own Rust packages
# (rustc-web, cargo-web, rust-web-src from bookworm-security), linked into
# rustup as the toolchain `web`, and build `std` for wasm from source with
# cargo's -Zbuild-std. Debian ships no rust-lld, so wasm-ld from lld-22 links.
# Users with a normal rustup don't need any of this: `rustup target add
# wasm32-unknown-unknown && cargo install trunk` is the ordinary path.
#
# Usage (from any directory; idempotent, fast when everything is there):
#   scripts/wasm-toolchain.sh install        Debian packages + rustup toolchain `web`
#   scripts/wasm-toolchain.sh install-web [CARGO_LOCK]
#                                            also trunk, wasm-bindgen-cli (the version
#                                            in Cargo.lock) and wasm-opt (npm binaryen)
#   scripts/wasm-toolchain.sh install-tools [CARGO_LOCK]
#                                            only those three (no Debian packages: CI
#                                            builds them beside its other steps)
#   scripts/wasm-toolchain.sh env [TARGET_DIR]
#                                            prints the exports for a wasm build:
#                                            eval "$(scripts/wasm-toolchain.sh env)"
#   scripts/wasm-toolchain.sh check-core [MANIFEST [PACKAGE]]
#                                            installs, then builds postflow-core's
#                                            library for wasm32-unknown-unknown
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TRUNK_VERSION=0.21.14          # 0.22.x needs rustc >= 1.96.1; 0.21.14 builds with --locked
BINARYEN_VERSION=132           # wasm-opt; pin the same in Trunk.toml: [tools] wasm_opt = "version_132"
APT_PACKAGES=(rustc-web cargo-web rust-web-src lld-22)
export DEBIAN_FRONTEND=noninteractive   # CI runs as root with no tty/stdin

log() { echo "wasm-toolchain: $*" >&2; }
die() { log "error: $*"; exit 1; }

# Debian packages: debian_install (only what is missing, root or sudo).
source "$ROOT/scripts/lib/debian.sh"

cmd_install() {
    debian_install "${APT_PACKAGES[@]}"
    command -v rustup >/dev/null || die "rustup not found (the web toolchain is linked into rustup)"
    # rustc-web puts rustc and cargo in /usr/bin, with the std sources under
    # /usr/lib/rustlib/src where -Zbuild-std looks for them.
    if ! rustup toolchain list | grep -Eq '^web( |$)'; then
        log "linking Debian's Rust in /usr as rustup toolchain 'web'"
        rustup toolchain link web /usr
    fi
    # std's own dependencies (dlmalloc, compiler_builtins, ...) at the versions of its
    # lock file: -Zbuild-std needs them in the registry, and trunk builds --offline.
    # (A second or so when they are there; reads the lock file, never writes it.)
    RUSTUP_TOOLCHAIN=web RUSTC_BOOTSTRAP=1 cargo fetch --quiet --locked \
        --manifest-path "$(rustc +web --print sysroot)/lib/rustlib/src/rust/library/Cargo.toml"
}

# The exports for a wasm build. Native builds and tests keep rustup's default
# toolchain: only shells/commands that take these variables use `web`.
# Panic locations (file, line, column) only for the project's own crates: see
# scripts/lib/rustc-own-locations.sh. (With --target, RUSTFLAGS reach only the wasm
# build, not build scripts and proc macros.)
print_env() {
    local target_dir=$1
    cat <<EOF
export RUSTUP_TOOLCHAIN=web
export RUSTC_BOOTSTRAP=1
export CARGO_UNSTABLE_BUILD_STD=std,panic_abort
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=wasm-ld-22
export CARGO_TARGET_DIR=$target_dir
export RUSTFLAGS=-Zlocation-detail=none
export RUSTC_WORKSPACE_WRAPPER=$ROOT/scripts/lib/rustc-own-locations.sh
EOF
}
# (A target dir of its own keeps the two toolchains from rebuilding each
# other's artefacts when they alternate.)

# The wasm target dir sits inside the native one, so one CARGO_TARGET_DIR (CI keeps
# it between runs) caches both.
wasm_target_dir() {
    echo "${CARGO_TARGET_DIR:-$1/target}/wasm"
}

cmd_env() {
    print_env "${1:-$(wasm_target_dir "$ROOT")}"
}

# The wasm-bindgen crate version the lock file resolves to; wasm-bindgen-cli
# must be exactly that version or the generated JS glue does not match.
lock_wasm_bindgen_version() {
    local lock=$1 versions
    [ -f "$lock" ] || die "$lock not found"
    versions=$(grep -A1 '^name = "wasm-bindgen"$' "$lock" | sed -n 's/^version = "\(.*\)"$/\1/p')
    [ -n "$versions" ] || die "$lock has no wasm-bindgen package: add the web crate (with its dependencies) first, then run cargo generate-lockfile"
    [ "$(echo "$versions" | wc -l)" = 1 ] || die "$lock has several wasm-bindgen versions: $(echo "$versions" | tr '\n' ' ')"
    echo "$versions"
}

# Does `$1 --version` print exactly "$1 $2"? (trunk and wasm-bindgen both print "<name> <version>")
has_version() {
    command -v "$1" >/dev/null && [ "$("$1" --version 2>/dev/null | head -n1 | awk '{print $2}')" = "$2" ]
}

# cargo install with the default (host) toolchain, whatever wasm env the caller has eval'd.
# The tools are built with a light release profile instead of their own (trunk's is
# fat LTO with one codegen unit: 20 minutes cold on 2 busy cores). They only drive
# cargo and rewrite a few files per build, so their own speed hardly matters here.
# $1 is the optimisation level: 0 for trunk (it waits on cargo), 1 for wasm-bindgen
# (it rewrites the whole .wasm on every build).
host_cargo_install() {
    local opt_level=$1
    shift
    env -u RUSTUP_TOOLCHAIN -u RUSTC_BOOTSTRAP -u CARGO_UNSTABLE_BUILD_STD -u CARGO_TARGET_DIR \
        CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
        CARGO_PROFILE_RELEASE_OPT_LEVEL="$opt_level" CARGO_PROFILE_RELEASE_DEBUG=0 CARGO_PROFILE_RELEASE_INCREMENTAL=false \
        cargo install --quiet "$@"
}

cmd_install_tools() {
    local lock=${1:-$ROOT/Cargo.lock} bindgen_version
    bindgen_version=$(lock_wasm_bindgen_version "$lock")   # fail early, before long builds
    if ! has_version trunk "$TRUNK_VERSION"; then
        log "building trunk $TRUNK_VERSION (a light release profile: about 5 minutes on 2 cores)"
        host_cargo_install 0 trunk --version "$TRUNK_VERSION" --locked
    fi
    if ! has_version wasm-bindgen "$bindgen_version"; then
        log "building wasm-bindgen-cli $bindgen_version (about 2 minutes)"
        # No --locked: its lock file pins a crate version the registry no longer serves.
        host_cargo_install 1 wasm-bindgen-cli --version "$bindgen_version" --force
    fi
    install_wasm_opt
}

# wasm-opt shrinks the release .wasm (trunk runs it in release builds unless
# index.html says data-wasm-opt="0"). Debian 12's `binaryen` (wasm-opt 108) is
# too old: its output fails in the browser ("WebAssembly.Table.set(): Argument
# 1 is invalid for table"), even at -O0. npm's `binaryen` package ships a
# current wasm-opt compiled to wasm that runs under node, with no download.
# It goes to its own prefix, linked into cargo's bin dir beside trunk, which
# precedes /usr/bin on PATH.
install_wasm_opt() {
    local bin_dir="${CARGO_HOME:-$HOME/.cargo}/bin" prefix="${CARGO_HOME:-$HOME/.cargo}/binaryen-$BINARYEN_VERSION"
    if wasm-opt --version 2>/dev/null | grep -q "^wasm-opt version $BINARYEN_VERSION "; then return 0; fi
    if ! command -v npm >/dev/null; then
        log "npm not found: no wasm-opt; set data-wasm-opt=\"0\" on the rust link in index.html"
        return 0
    fi
    log "installing wasm-opt $BINARYEN_VERSION (npm package binaryen)"
    # npm's errors (a registry it cannot reach, a certificate it does not trust) are
    # the only clue when this fails, so only its progress is silenced.
    npm install --loglevel=error --no-audit --no-fund --prefix "$prefix" "binaryen@$BINARYEN_VERSION" >/dev/null ||
        die "npm could not install binaryen@$BINARYEN_VERSION (its error is above; behind a proxy with its own CA, node needs NODE_EXTRA_CA_CERTS)"
    ln -sf "$prefix/node_modules/binaryen/bin/wasm-opt" "$bin_dir/wasm-opt"
    hash -r
    wasm-opt --version 2>/dev/null | grep -q "^wasm-opt version $BINARYEN_VERSION " ||
        die "wasm-opt on PATH is $(command -v wasm-opt), not $bin_dir/wasm-opt $BINARYEN_VERSION (apt-get remove binaryen?)"
}

cmd_check_core() {
    local manifest=${1:-$ROOT/Cargo.toml} package=${2:-postflow-core} dir
    [ -f "$manifest" ] || die "$manifest not found"
    dir=$(cd "$(dirname "$manifest")" && pwd)
    cmd_install
    eval "$(print_env "$(wasm_target_dir "$dir")")"
    cd "$dir"
    log "cargo build -p $package --lib --target wasm32-unknown-unknown (target dir $CARGO_TARGET_DIR)"
    cargo build --manifest-path "$dir/$(basename "$manifest")" -p "$package" --lib --target wasm32-unknown-unknown
}

case "${1:-}" in
    install) cmd_install ;;
    install-web) shift; cmd_install; cmd_install_tools "$@" ;;
    install-tools) shift; cmd_install_tools "$@" ;;
    env) shift; cmd_env "$@" ;;
    check-core) shift; cmd_check_core "$@" ;;
    *) sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
