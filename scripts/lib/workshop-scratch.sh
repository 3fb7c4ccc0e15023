# shellcheck shell=bash
# A scratch copy of exercises/ for the workshop's tests: a workspace of its own whose
# dependencies point back at this checkout, built into the same target dir, so the
# real starting files are never touched. Source it with REPO and CARGO_TARGET_DIR set;
# `make_scratch DIR` creates it and exports POSTFLOW_WORKSHOP_ROOT=DIR.
make_scratch() {
  local dir=$1
  rm -rf "$dir"
  mkdir -p "$dir"
  cp "$REPO/Cargo.lock" "$dir/"
  cp -r "$REPO/exercises" "$dir/exercises"
  rm -rf "$dir/exercises/.backup" "$dir"/exercises/.workshop-progress.toml* "$dir/exercises/launch"
  sed -e 's|^members = .*|members = ["exercises"]|' -e "s|path = \"core\"|path = \"$REPO/core\"|" "$REPO/Cargo.toml" >"$dir/Cargo.toml"
  sed -i -e "s|path = \"../tui\"|path = \"$REPO/tui\"|" -e "s|path = \"../cadence-bridge\"|path = \"$REPO/cadence-bridge\"|" "$dir/exercises/Cargo.toml"
  export POSTFLOW_WORKSHOP_ROOT="$dir"
}
