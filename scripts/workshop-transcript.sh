#!/usr/bin/env bash
# A whole Rust-track run of the workshop, chapter 1 to 7, as docs/workshop.md shows
# it: each chapter's untouched starting file checked, a hint, the chapter written
# (the reference solution copied in), checked again; then the progress list. Made on
# a scratch copy of exercises/ (scripts/lib/workshop-scratch.sh), never the real one.
#
#   scripts/workshop-transcript.sh           print it
#   scripts/workshop-transcript.sh --check   fail, with the difference, when
#                                            docs/workshop.md shows something else
#   scripts/workshop-transcript.sh --write   put it into docs/workshop.md
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
mode=${1:-print}
case "$mode" in print | --check | --write) ;; *) echo "usage: $0 [--check|--write]" >&2; exit 2 ;; esac
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$REPO/target}"
DOC="$REPO/docs/workshop.md"
HEADING="## A whole Rust-track run, chapter 1 to 7"

cargo build -q -p postflow-workshop --bin workshop
WORKSHOP="$CARGO_TARGET_DIR/debug/workshop"
source scripts/lib/workshop-scratch.sh
make_scratch "$CARGO_TARGET_DIR/workshop-scratch"
EX="$POSTFLOW_WORKSHOP_ROOT/exercises"

run() {
  echo "\$ cargo run --bin workshop -- $*"
  "$WORKSHOP" "$@" || true
  echo
}

transcript() {
  for n in 1 2 3 4 5 6 7; do
    file=$(cd "$EX" && ls "0${n}_"*.rs)
    run check "$n"
    run hint "$n"
    echo "(the participant edits exercises/$file and saves)"
    echo
    cp "$EX/solutions/$file" "$EX/$file"
    run check "$n"
  done
  echo "\$ cargo run --bin workshop -- list"
  "$WORKSHOP" list
}

# The doc's copy: the first ```text block after the heading.
documented() {
  awk -v h="$HEADING" '$0 == h { f = 1 } f && /^```text$/ { g = 1; next } g && /^```$/ { exit } g' "$DOC"
}

case "$mode" in
  print) transcript ;;
  --check)
    if ! diff -u <(documented) <(transcript) >"$CARGO_TARGET_DIR/workshop-transcript.diff"; then
      cat "$CARGO_TARGET_DIR/workshop-transcript.diff" >&2
      echo "FAIL: docs/workshop.md's whole run is not what the workshop prints now (above: - the doc, + the tool); scripts/workshop-transcript.sh --write updates it" >&2
      exit 1
    fi
    echo "ok: docs/workshop.md's whole run is what the workshop prints"
    ;;
  --write)
    transcript >"$CARGO_TARGET_DIR/workshop-transcript.txt"
    python3 - "$DOC" "$HEADING" "$CARGO_TARGET_DIR/workshop-transcript.txt" <<'PY'
import sys
doc, heading, new = sys.argv[1], sys.argv[2], open(sys.argv[3], encoding="utf-8").read()
lines = open(doc, encoding="utf-8").read().split("\n")
h = lines.index(heading)
start = next(i for i in range(h, len(lines)) if lines[i] == "```text")
end = next(i for i in range(start + 1, len(lines)) if lines[i] == "```")
lines[start + 1:end] = new.rstrip("\n").split("\n")
open(doc, "w", encoding="utf-8").write("\n".join(lines))
PY
    echo "docs/workshop.md: the whole run written"
    ;;
esac
