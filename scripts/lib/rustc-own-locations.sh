#!/bin/sh
# cargo's RUSTC_WORKSPACE_WRAPPER for wasm builds (scripts/wasm-toolchain.sh env): the
# project's own crates keep their source locations, which everything else compiles
# without (RUSTFLAGS=-Zlocation-detail=none). The explanations and the stack trace
# name the line of workflow code behind a command, read from #[track_caller]
# locations in postflow-core; the panic locations of std and the dependencies would
# only ever show in a crashed page's console, and cost its download some 3 KB gzipped.
exec "$@" -Zlocation-detail=file,line,column
