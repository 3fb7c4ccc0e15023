#!/usr/bin/env bash
# Runs every built-in scenario natively and as WebAssembly (in Node) and checks the
# two histories are byte-identical: the simulator may not depend on the platform.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

scripts/wasm-toolchain.sh install >/dev/null
wasm_dir="${CARGO_TARGET_DIR:-$root/target}/wasm"
(
  eval "$(scripts/wasm-toolchain.sh env)"
  # The playground's own profile: what is checked is what the browser runs, and the
  # std and dependencies built here serve the playground's build too.
  cargo build -q --profile wasm-release -p postflow-wasm-determinism --lib --target wasm32-unknown-unknown
)
wasm="$wasm_dir/wasm32-unknown-unknown/wasm-release/postflow_wasm_determinism.wasm"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

names=$(cargo run -q -p postflow-core --bin scenario -- --list | awk '{print $1}')
for name in $names; do
  cargo run -q -p postflow-core --bin scenario -- "$name" --format json 2>/dev/null >"$out/$name.native.json"
done

node --input-type=module - "$wasm" "$out" $names <<'JS'
import { readFileSync, writeFileSync } from "node:fs";
const [wasmPath, outDir, ...names] = process.argv.slice(2);
const { instance } = await WebAssembly.instantiate(readFileSync(wasmPath), {});
const { memory, alloc, history_json } = instance.exports;
for (const name of names) {
  const bytes = new TextEncoder().encode(name);
  const ptr = alloc(bytes.length);
  new Uint8Array(memory.buffer, ptr, bytes.length).set(bytes);
  const packed = history_json(ptr, bytes.length);
  const [p, n] = [Number(packed >> 32n), Number(packed & 0xffffffffn)];
  // println! in the native runner adds a newline; the history itself is the same text.
  writeFileSync(`${outDir}/${name}.wasm.json`, Buffer.concat([Buffer.from(memory.buffer, p, n), Buffer.from("\n")]));
}
JS

status=0
for name in $names; do
  if cmp -s "$out/$name.native.json" "$out/$name.wasm.json"; then
    echo "same bytes: $name ($(wc -c <"$out/$name.native.json") bytes)"
  else
    echo "DIFFERENT: $name" >&2
    diff <(head -c 2000 "$out/$name.native.json") <(head -c 2000 "$out/$name.wasm.json") >&2 || true
    status=1
  fi
done
exit $status
