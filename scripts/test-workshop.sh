#!/usr/bin/env bash
# The workshop's Rust track as a participant meets it, in a real terminal (tmux).
#
#   scripts/test-workshop.sh
#
# Works on a scratch copy of exercises/ (a workspace of its own whose dependencies
# point back at this checkout, built into the same target dir), so the real starting
# files are never touched: the participant's file is edited, broken, fixed and
# deleted there. Checks watch mode (the chapter's text, a hint, a compiler error as
# the compiler wrote it, a passing chapter, the next one, progress kept across a
# restart; on an 80x24 terminal a compiler's message broken between words, the screen
# of a failing save fits, the reason first, a long hint cut with a sign, drawn again
# when the terminal is resized; the key line after h, i and l; a note where the
# program's output repeats), `check` moving the current chapter on, a hint shown by `check`
# counted, the terminal app running the participant's workflow (a chapter by number
# or name; a compile error at 80 columns broken between words; a forgotten .await's
# warning shown in the app while it runs and told above it, and written whole into the
# worker's log), and bad input: a
# missing file (also in the list), an unknown chapter, a corrupt progress file (kept
# aside once, never over an earlier one), a solution asked for too early, a reset
# that keeps the participant's version; and that the whole run
# docs/workshop.md shows is what the workshop prints (scripts/workshop-transcript.sh).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$REPO/target}"
WORKSHOP="$CARGO_TARGET_DIR/debug/workshop"
TUI="$CARGO_TARGET_DIR/debug/tui"
BRIDGE="$CARGO_TARGET_DIR/debug/bridge"
SCRATCH="$CARGO_TARGET_DIR/workshop-scratch"
OUT="$CARGO_TARGET_DIR/workshop-test.out"

source scripts/lib/debian.sh
command -v tmux >/dev/null 2>&1 || debian_install tmux

TMUX_SOCKET="postflow-workshop-$$"
source scripts/lib/tmux.sh
cleanup() { tm_stop; }
trap cleanup EXIT
trap 'exit 130' INT TERM

cargo build -q -p postflow-workshop --bin workshop -p postflow-tui --bin tui -p cadence-bridge --bin bridge

# ---- a scratch workshop: the exercises, in a workspace of their own ----
source scripts/lib/workshop-scratch.sh
make_scratch "$SCRATCH"
EX="$SCRATCH/exercises"
passed=0
ok() {
  passed=$((passed + 1))
  echo "ok: $*"
}
# For checks of several parts: `{ a && b; } || fail WHAT`. (Under set -e a failing
# command that is not the last of an && list, or is negated with !, does not stop
# the script, so such a list on its own line could never fail.)
fail() {
  echo "FAIL: $*; the output was:" >&2
  cat "$OUT" >&2
  exit 1
}
# The screen's last line with text on it.
last_line() { screen | awk 'NF { l = $0 } END { print l }'; }
# Waits until the screen's last line with text is $1 (what watch mode printed last).
wait_last_line() {
  for _ in $(seq 1 $((WAIT_SECONDS * 10))); do
    [[ $(last_line) == "$1" ]] && return 0
    sleep 0.1
  done
  echo "FAIL: the screen's last line never became: $1" >&2
  screen >&2
  exit 1
}
# Fails when a line of the pane is wider than $1 columns (-J joins the rows of a line
# the terminal had to wrap: such a line shows as wider), naming $2.
no_wider_than() {
  local wide
  wide=$(tm capture-pane -p -J -t tui | python3 -c 'import sys; w = int(sys.argv[1]); print("\n".join(l for l in sys.stdin.buffer.read().decode().splitlines() if len(l) > w))' "$1")
  if [[ -n $wide ]]; then
    printf 'FAIL: %s: lines wider than %s characters:\n%s\n' "$2" "$1" "$wide" >&2
    exit 1
  fi
}
KEYS="[h hint · i the chapter · l list · c check again · q quit]"

# ---- watch mode, as a participant uses it ----
WAIT_SECONDS=300 # a cold build of an exercise binary can take minutes on a busy machine
tm new-session -d -s tui -x 140 -y 300 "'$WORKSHOP'; echo workshop-exited-\$?; sleep 600"
wait_for "Chapter 1 · Two activities"
wait_for "Why it matters in Cadence"
wait_for "exercises/01_activities.rs"
wait_for "checks: 0 of 4 pass"
wait_for "validatePayment returns \"\" where the workshop's returns \"Payment successful\""
wait_for "\`workshop check 1\` shows every failing check in full"
ok "watch mode opens chapter 1 with its goal, why it matters, the file, and the checks failing with a reason (the first in full)"
wait_for "Your file is as handed out"
if screen | grep -qF "Hint 1 of 3"; then
  echo "FAIL: opening an untouched chapter handed out a hint unasked" >&2
  screen >&2
  exit 1
fi
ok "a file as handed out gets no hint unasked: the screen says to write its TODO lines"
keys h
wait_for "Hint 1 of 3 for chapter 1"
keys h
wait_for "Hint 2 of 3 for chapter 1"
ok "h shows hint 1, then hint 2"
keys x
wait_for "x is no key here."
ok "a letter that is no key says so"
printf '\nthis line is not Rust\n' >>"$EX/01_activities.rs"
wait_for "does not compile yet; the compiler says"
wait_for "error: expected"
wait_for "> exercises/01_activities.rs:"
ok "a save that does not compile shows the compiler's own error, at the file as the participant knows it"
wait_for "Chapter 1 · Two activities · exercises/01_activities.rs"
if screen | grep -qF "Why it matters in Cadence"; then
  echo "FAIL: a save printed the chapter's texts again, above its checks" >&2
  screen >&2
  exit 1
fi
keys i
wait_for "Why it matters in Cadence"
ok "after a save the screen holds the chapter's name and what the checks found; i shows the chapter's texts"
cp "$EX/solutions/01_activities.rs" "$EX/01_activities.rs"
wait_for "checks: 4 of 4 pass"
wait_for "Press n for chapter 2"
ok "a save that solves the chapter passes all its checks"
keys n
wait_for "Chapter 2 · Failures and retries"
wait_for "checks: 0 of 2 pass"
ok "n moves on to chapter 2"
keys q
wait_for "workshop-exited-0"
grep -q "current = 2" "$EX/.workshop-progress.toml"
tm kill-session -t tui
tm new-session -d -s tui -x 140 -y 300 "'$WORKSHOP'; echo workshop-exited-\$?; sleep 600"
wait_for "Chapter 2 · Failures and retries"
keys q
wait_for "workshop-exited-0"
tm kill-session -t tui
ok "progress survives a restart: the workshop opens at chapter 2"

# An 80-column terminal, the size most open at: the chapter's text, the failing
# checks side by side and a hint are written to fit, not broken by the terminal.
# (A new server: the last session's may still be exiting, and would refuse it.)
tm_stop
tm new-session -d -s tui -x 80 -y 300 "'$WORKSHOP'; echo workshop-exited-\$?; sleep 600"
wait_for "Chapter 2 · Failures and retries"
wait_for "first difference"
wait_for "Your file is as handed out"
keys h
wait_for "Hint 1 of 3 for chapter 2"
no_wider_than 80 "on an 80-column terminal"
# The history side by side, in columns of 35: a row cut there ends in …
screen | grep -qE '^      2 DecisionTaskScheduled taskList=[^ ]*…   2 DecisionTaskScheduled' || { screen >&2; echo "FAIL: a cut row of the side-by-side history has no …" >&2; exit 1; }
keys q
wait_for "workshop-exited-0"
tm_stop
ok "on an 80-column terminal every line of the chapter, its checks and a hint fits; a row cut in the side-by-side history ends in …"

# An 80x24 terminal, chapter 7 with its three hints used: after a save the screen
# holds the chapter's name, why the first check fails, the hint cut with a sign, and
# the keys; nothing of it scrolled away.
cp "$EX/.workshop-progress.toml" "$EX/.workshop-progress.toml.saved"
printf 'version = 1\ncurrent = 7\n[chapters.7]\nhints = 3\n' >"$EX/.workshop-progress.toml"
# An activity's argument passed bare: rustc's message and label are wider than 80
# columns; they are broken between words, the label's rest under the gutter.
# bare_argument_broken_between_words WHAT: rustc's message on an activity's argument
# passed bare, as the screen shows it at 80 columns: the message's last word and the
# label's rest on lines of their own, under the text and under the gutter.
bare_argument_broken_between_words() {
  { screen | grep -qE '^error\[E0277\]: the arguments of an activity or a workflow are a tuple, not one$' &&
    screen | grep -qE '^ +value$' &&
    screen | grep -qE '^    \| +write the arguments as a tuple: `\(&order,\)` for one, `\(&a, &b\)` for two$'; } ||
    { screen >&2; fail "$1"; }
}
sed 's/"shipProduct", (&order,))/"shipProduct", order)/' "$EX/solutions/06_query.rs" >"$EX/07_notification.rs"
grep -qF '"shipProduct", order)' "$EX/07_notification.rs" || fail "the test could not write the bare argument into exercise 7"
tm new-session -d -s tui -x 80 -y 24 "'$WORKSHOP'; echo workshop-exited-\$?; sleep 600"
wait_for "does not compile yet"
wait_last_line "$KEYS"
bare_argument_broken_between_words "80x24, a compile error: its message and label are broken between words"
no_wider_than 80 "the 80x24 screen of a compile error"
ok "80x24, a compile error wider than the terminal: broken between words, a label's rest under the gutter"
cp "$EX/solutions/06_query.rs" "$EX/07_notification.rs"
wait_for "more lines of this hint: h shows it whole"
{ screen | head -1 | grep -qF "Chapter 7 · The notification timer · exercises/07_notification.rs" &&
  screen | grep -qF "✗ 7.1 After shipping" &&
  screen | grep -qF "there is no notification timer" &&
  screen | grep -qF "Hint 3 of 3 for chapter 7:" &&
  screen | grep -qF "Save the file to check again." &&
  [[ $(last_line) == "$KEYS" ]]; } || { screen >&2; echo "FAIL: the 80x24 screen of a failing save" >&2; exit 1; }
no_wider_than 80 "the 80x24 screen of a failing save"
ok "80x24, a failing save: the chapter, the first failing check's reason, the hint cut with a sign (h), the keys, all on screen"
# A resize draws the check screen again, to the new size (it stayed cut at 24 rows).
# (200 rows: the hint's code, the helper with its two calls, is some 75 lines.)
tm resize-window -t tui -x 80 -y 200
wait_for "notification_sent = true;"
if screen | grep -qF "more lines of this hint"; then fail "at 200 rows the check screen still cut the hint"; fi
tm resize-window -t tui -x 80 -y 24
wait_for "more lines of this hint: h shows it whole"
wait_last_line "$KEYS"
ok "a resize draws the check screen again: 200 rows show the hint whole, 24 cut it again with its sign"
keys h
wait_for "That was the last hint of chapter 7."
screen | grep -qF "notification_sent = true;" || { screen >&2; echo "FAIL: h did not show the cut hint whole" >&2; exit 1; }
wait_last_line "$KEYS"
keys i
wait_for "What to look for in the history (tui --exercise 7 shows it)"
wait_last_line "$KEYS"
keys l
wait_for "chapters done"
wait_last_line "$KEYS"
ok "h shows the hint the screen cut, whole; after h, i and l the keys are shown again; the texts name tui --exercise 7"
rm "$EX/07_notification.rs"
wait_for "exercises/07_notification.rs is missing."
no_wider_than 80 "the missing-file message on an 80-column terminal"
ok "a file deleted while watched is named, wrapped to the terminal"
# The last chapter passed with the others not: n does not call the workshop done.
cp "$EX/solutions/07_notification.rs" "$EX/07_notification.rs"
wait_for "Every check of chapter 7 passes"
keys n
wait_for "Not passed yet: chapters 1, 2, 3, 4, 5, 6"
wait_for "workshop-exited-0"
screen | grep -qF "the workshop is done" && { screen >&2; fail "n after chapter 7 called the workshop done with six chapters open"; }
ok "n after the last chapter names the chapters not passed yet, not 'the workshop is done'"
tm_stop
cp "$EX/solutions/06_query.rs" "$EX/07_notification.rs"
mv "$EX/.workshop-progress.toml.saved" "$EX/.workshop-progress.toml"

# ---- what the program printed: lines a replay prints again are explained ----
# (Chapter 2 is the current one again; a println! at the workflow's start comes
# again in every replay and every check.)
perl -0pe 's/(pub async fn order_processing_workflow\(ctx: WorkflowContext, order: Order\) -> Result<String, WorkflowError> \{\n)/$1    println!("paying for {}", order.id);\n/' \
  "$EX/solutions/01_activities.rs" >"$EX/02_retries.rs"
grep -qF 'println!("paying for {}", order.id);' "$EX/02_retries.rs" || fail "the test could not add a println! to exercise 2"
tm new-session -d -s tui -x 80 -y 60 "'$WORKSHOP'; echo workshop-exited-\$?; sleep 600"
wait_for "Chapter 2 · Failures and retries"
wait_last_line "$KEYS"
# The note stands once, after the first line and above its first repeat.
screen | awk '
  /^  \| / { if (note && !after) { after = $0 } else if (!note) { before[$0] = 1 } }
  /^  ↺ Lines repeat from here: Cadence rebuilds a workflow/ { note++ }
  END { exit !(note == 1 && after in before && after == "  | paying for Order123") }' ||
  { screen >&2; fail "the program's output repeats a line: a note says why, above the first repeat"; }
screen | grep -qF 'code again from the start (a replay); each check is a new run' || { screen >&2; fail "the note says what a replay is"; }
no_wider_than 80 "the note on repeated output"
keys q
wait_for "workshop-exited-0"
tm_stop
ok "the program's output repeats a line: a note above the first repeat says a replay runs the code again"

# ---- check moves the current chapter on, as watch mode's pass does ----
cp "$EX/solutions/02_retries.rs" "$EX/02_retries.rs"
"$WORKSHOP" check >"$OUT" 2>&1 || fail "workshop check (chapter 2, solved) passes"
grep -q "Chapter 2 passes. Next: chapter 3 · One scan signal" "$OUT" || fail "check names the chapter it moved on to"
"$WORKSHOP" list >"$OUT" 2>&1
grep -q "^>  3  One scan signal" "$OUT" || fail "after check passes the current chapter, the list is at chapter 3"
"$WORKSHOP" check 1 >"$OUT" 2>&1 || fail "check 1 passes"
"$WORKSHOP" list >"$OUT" 2>&1
grep -q "^>  3  One scan signal" "$OUT" || fail "passing another chapter does not move the current one"
"$WORKSHOP" hint >"$OUT" 2>&1
grep -q "Hint 1 of 3 for chapter 3" "$OUT" || fail "hint without a chapter follows the current one"
ok "check that passes the current chapter moves it on (list, hint and check follow); passing another chapter moves nothing"

# ---- a hint that check shows counts as used ----
status=0
"$WORKSHOP" check 6 >"$OUT" 2>&1 || status=$?
{ [[ $status == 1 ]] && grep -q "Hint 1 of 3 for chapter 6" "$OUT"; } || fail "a failing check 6 shows hint 1"
"$WORKSHOP" hint 6 >"$OUT" 2>&1
grep -q "Hint 2 of 3 for chapter 6" "$OUT" || fail "after check showed hint 1, hint shows hint 2"
"$WORKSHOP" list >"$OUT" 2>&1
grep -q "^   6  The current_status query .* 2/3$" "$OUT" || fail "the list counts the hint check showed"
ok "a hint check shows is counted: hint shows the next one"

# ---- the participant's workflow in the terminal app ----
cp "$EX/solutions/07_notification.rs" "$EX/07_notification.rs"
tm new-session -d -s tui -x 160 -y 45 "'$TUI' --exercise 7; echo tui-exited-\$?; sleep 600"
wait_for "exercise 7"
wait_for "Start an order"
keys Enter
wait_for "ActivityTaskScheduled"
wait_for "validatePayment"
keys q
wait_for "tui-exited-0"
tm kill-session -t tui
ok "tui --exercise 7 runs the participant's workflow on the simulator"

# ---- a broken exercise breaks only itself ----
printf '\nfn broken( {\n' >>"$EX/03_scan_once.rs"
status=0
"$TUI" --exercise 3 >"$OUT" 2>&1 || status=$?
{ [[ $status == 2 ]] && grep -q "exercise 3 does not compile yet" "$OUT" && grep -q "error" "$OUT"; } || fail "tui --exercise 3 with a broken file shows the compiler's error and exits 2"
grep -q "^building exercise 3 (cargo build" "$OUT" || fail "tui --exercise says it is building before cargo's quiet build"
ok "tui --exercise 3 says it builds, then with a broken file shows the compiler's error and exits 2"
# An activity's argument passed bare, the first slip of many: the compiler's own
# message says to write a tuple (core's diagnostic on EncodeArgs), not just the trait.
cp "$EX/01_activities.rs" "$EX/01_activities.rs.saved"
sed 's/"shipProduct", (&order,))/"shipProduct", order)/' "$EX/solutions/01_activities.rs" >"$EX/01_activities.rs"
grep -qF '"shipProduct", order)' "$EX/01_activities.rs" || fail "the test could not write the bare argument into exercise 1"
status=0
"$TUI" --exercise 1 >"$OUT" 2>&1 || status=$?
{ [[ $status == 2 ]] && grep -qF "the arguments of an activity or a workflow are a tuple, not one value" "$OUT" && grep -qF '`(&order,)` for one' "$OUT"; } ||
    { cat "$OUT" >&2; fail "tui --exercise 1 with a bare activity argument says to write a tuple"; }
ok "an activity's argument passed bare: the compiler's message says to write it as a tuple"
# The same in an 80-column terminal: the compiler's message is laid out as watch mode
# lays it out (exercises/launch/src/compiler.rs), broken between words, the label's
# rest under the gutter, not cut mid-word by the terminal. (A new server: the last
# session's may still be exiting.)
tm_stop
tm new-session -d -s tui -x 80 -y 70 "'$TUI' --exercise 1; echo tui-exited-\$?; sleep 600"
wait_for "tui-exited-2"
bare_argument_broken_between_words "tui --exercise 1 at 80 columns: the compiler's message is broken between words"
no_wider_than 80 "tui --exercise 1 at 80 columns, a compile error"
tm_stop
ok "tui --exercise 1 at 80 columns: the compiler's message broken between words, as watch mode shows it"
# A forgotten .await compiles (the activity is still scheduled, as in Go) and the
# workflow goes on without the result: the compiler's warning must reach the
# participant (the starting files' allow list once silenced it).
perl -0pe 's/("shipProduct", \(&order,\)\)\n\s*)\.await\n\s*\.map_err\([^\n]*\n/$1;\n/' "$EX/solutions/01_activities.rs" >"$EX/01_activities.rs"
perl -0ne 'exit(/"shipProduct", \(&order,\)\)\s*;/ ? 0 : 1)' "$EX/01_activities.rs" ||
    fail "the test could not take the .await off shipProduct in exercise 1"
status=0
"$WORKSHOP" check 1 >"$OUT" 2>&1 || status=$?
{ [[ $status == 1 ]] && grep -qF "the workflow code goes on without waiting for the activity" "$OUT"; } ||
    { cat "$OUT" >&2; fail "a forgotten .await is warned about by the compiler, in the check's output"; }
ok "a forgotten .await: the check shows the compiler's warning that the workflow does not wait for the activity"
# tui --exercise 1 builds it too, then the app takes the screen: one line before it
# says the compiler warned and where to read it, and is there when the app ends. The
# app covers that line at once: it shows the warning itself, first as its message and
# then whenever no other message stands.
tm_stop
tm new-session -d -s tui -x 80 -y 24 "'$TUI' --exercise 1; echo tui-exited-\$?; sleep 600"
wait_for "Start an order"
wait_for "✗ The compiler warns, exercises/01_activities.rs:"
keys Enter
wait_for "ActivityTaskScheduled"
keys Down
wait_for "that must be used: the workflow code goes on without waiting for the activity:"
screen | grep -qF "The compiler warns, exercises/01_activities.rs:" ||
  { screen >&2; fail "tui --exercise 1 with a forgotten .await: the warning stays in view while the app runs"; }
keys q
wait_for "tui-exited-0"
screen | grep -qxF 'the compiler warns; `cargo run --bin workshop -- check 1` shows the warnings' ||
  { screen >&2; fail "tui --exercise 1 with a forgotten .await: a line says the compiler warned and where to read it"; }
tm_stop
ok "a forgotten .await: tui --exercise 1 shows the compiler's warning while it runs, and the line above the app says where to read it"
# The worker writes a log of lines: the warnings themselves come first in it. (No
# server at that address: the worker says so and tries again until it is stopped.)
"$BRIDGE" --address http://127.0.0.1:9 worker --exercise 1 >"$OUT" 2>&1 &
worker_pid=$!
for _ in $(seq 1 $((WAIT_SECONDS * 10))); do
  grep -q "^worker: serving" "$OUT" && break
  kill -0 "$worker_pid" 2>/dev/null || break
  sleep 0.1
done
kill -TERM "$worker_pid" 2>/dev/null || true
wait "$worker_pid" || true
{ grep -q "^worker: serving" "$OUT" &&
  grep -qxF "exercise 1 compiles, and the compiler warns:" "$OUT" &&
  grep -qF "= note: the workflow code goes on without waiting for the activity" "$OUT"; } ||
  fail "bridge worker --exercise 1 with a forgotten .await: the compiler's warnings come first in its log"
ok "a forgotten .await: bridge worker --exercise 1 writes the compiler's warnings into its log"
mv "$EX/01_activities.rs.saved" "$EX/01_activities.rs"
# (mv keeps the saved file's older time, which cargo would take for built already.)
touch "$EX/01_activities.rs"
status=0
"$TUI" --exercise scan-once >"$OUT" 2>&1 || status=$?
{ [[ $status == 2 ]] && grep -q "exercise 3 does not compile yet" "$OUT"; } || fail "tui --exercise scan-once is chapter 3, as for workshop"
status=0
"$TUI" --exercise loops >"$OUT" 2>&1 || status=$?
{ [[ $status == 2 ]] && grep -q 'unknown chapter "loops"; chapters are activities, retries, scan-once, loop' "$OUT"; } || fail "tui --exercise names an unknown chapter as workshop does"
ok "tui --exercise reads a chapter's name as workshop does"
"$WORKSHOP" check 1 >"$OUT" 2>&1
grep -q "checks: 4 of 4 pass" "$OUT"
"$WORKSHOP" list >"$OUT" 2>&1
grep -q "2 of 7 chapters done" "$OUT"
ok "with chapter 3 broken, chapter 1 still checks and the list still shows"
"$TUI" --print --size 100x30 >"$OUT" 2>&1
grep -q "Start an order" "$OUT"
ok "tui without --exercise runs whatever the exercises hold"

# ---- bad input: a clear message, nothing lost ----
status=0
"$WORKSHOP" check 8 >"$OUT" 2>&1 || status=$?
{ [[ $status == 2 ]] && grep -q "there is no chapter 8: the workshop has chapters 1 to 7" "$OUT"; } || fail "an unknown chapter is named, exit 2"
ok "an unknown chapter is named, exit 2"
rm "$EX/04_loop.rs"
status=0
"$WORKSHOP" check 4 >"$OUT" 2>&1 || status=$?
{ [[ $status == 1 ]] && grep -q "exercises/04_loop.rs is missing. \`workshop reset 4\` puts the starting file back" "$OUT"; } || fail "a deleted starting file is named, and reset puts it back byte for byte"
"$WORKSHOP" list >"$OUT" 2>&1
{ grep -q "^   4  Scans in a loop .* missing " "$OUT" && grep -q "exercises/04_loop.rs is missing: \`workshop reset 4\` puts the starting file back" "$OUT"; } || fail "the list says a chapter's file is missing, and how to get it back"
"$WORKSHOP" reset 4 >"$OUT" 2>&1
cmp -s "$EX/04_loop.rs" "$EX/solutions/03_scan_once.rs"
ok "a deleted starting file is named, and reset puts it back byte for byte"
cp "$EX/solutions/01_activities.rs" "$EX/02_retries.rs"
printf '// my own attempt\n' >>"$EX/02_retries.rs"
"$WORKSHOP" reset 2 >"$OUT" 2>&1
grep -q "Your version is kept as exercises/.backup/02_retries.rs." "$OUT"
grep -q "my own attempt" "$EX"/.backup/02_retries.rs.*
ok "reset keeps the participant's version"
status=0
"$WORKSHOP" solution 3 >"$OUT" 2>&1 || status=$?
{ [[ $status == 1 ]] && grep -q "opens once your checks pass" "$OUT"; } || fail "a solution opens only after its chapter passes"
"$WORKSHOP" solution 1 >"$OUT" 2>&1
grep -q "solutions/01_activities.rs" "$OUT"
ok "a solution opens only after its chapter passes"
for _ in 1 2 3; do "$WORKSHOP" hint 7 --go >"$OUT" 2>&1; done
{ grep -q "selector.AddFuture(timer, onTimer)" "$OUT" && ! grep -q "s.add_future" "$OUT"; } || fail "hint --go shows the Go track's code, hint the Rust track's"
# --go is remembered: the Go participant's next `hint` (and `list`, `solution`) is on
# the Go track too, until --rust (or a check without --go) goes back, and says so.
"$WORKSHOP" hint 7 >"$OUT" 2>&1
{ grep -q "selector.AddFuture(timer, onTimer)" "$OUT" && ! grep -q "s.add_future" "$OUT"; } || fail "after hint --go, hint shows the Go track's code"
"$WORKSHOP" hint 7 --rust >"$OUT" 2>&1
{ grep -q "s.add_future(" "$OUT" && ! grep -q "selector.AddFuture" "$OUT" && grep -q "you are on the Rust track now" "$OUT"; } ||
  fail "hint --rust shows the Rust track's code, and says the track changed"
"$WORKSHOP" hint 7 >"$OUT" 2>&1
{ grep -q "s.add_future(" "$OUT" && ! grep -q "track now" "$OUT"; } || fail "after hint --rust, hint shows the Rust track's code"
ok "hint --go shows the Go track's code, and hint follows the track named last (--go, --rust)"
printf 'current = [oops\n' >"$EX/.workshop-progress.toml"
"$WORKSHOP" list >"$OUT" 2>&1
{ grep -q "is not valid TOML" "$OUT" && grep -q ".workshop-progress.toml.unreadable" "$OUT"; } || fail "a corrupt progress file is kept aside and named"
grep -q "current = \[oops" "$EX/.workshop-progress.toml.unreadable"
"$WORKSHOP" list >"$OUT" 2>&1
! grep -q "not valid TOML" "$OUT" || fail "the notice of a corrupt progress file comes once: a new one was started"
printf 'current = [again\n' >"$EX/.workshop-progress.toml"
"$WORKSHOP" list >"$OUT" 2>&1
grep -q ".workshop-progress.toml.unreadable-2 and a new one" "$OUT" || fail "a second corrupt progress file is kept beside the first"
{ grep -q "current = \[oops" "$EX/.workshop-progress.toml.unreadable" && grep -q "current = \[again" "$EX/.workshop-progress.toml.unreadable-2"; } || fail "the first kept copy is never overwritten"
ok "a corrupt progress file is kept aside and named, once; a second one never overwrites the first"

# ---- the documentation's whole run is what the tool prints (a fresh scratch copy) ----
scripts/workshop-transcript.sh --check >"$OUT" 2>&1 || { cat "$OUT" >&2; exit 1; }
ok "docs/workshop.md's run of chapters 1 to 7 is what the workshop prints, line for line"

echo "workshop Rust track: $passed passed, 0 failed"
