#!/usr/bin/env bash
# The real `tui` binary on a real (pseudo) terminal: runs it in a detached tmux
# session of fixed size, types as a user would (start, scan with a location whose typo
# is fixed with ← and Backspace, deliver, cancel a new order and terminate another, each
# with a reason, quit)
# and reads the screen back with capture-pane. Needs no tty of its own, so it runs in
# CI. Installs tmux if missing.
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/lib/debian.sh
command -v tmux >/dev/null 2>&1 || debian_install tmux

target="${CARGO_TARGET_DIR:-target}"
cargo build -q -p postflow-tui --bin tui
bin="$target/debug/tui"

# A private server, so a user's own tmux sessions are never touched.
TMUX_SOCKET="postflow-tui-test-$$"
WAIT_SECONDS=60
source scripts/lib/tmux.sh
# The app's exit status, written by the pane's shell when the app exits.
status_file="$(mktemp)"
rm -f "$status_file"
# The tour's progress file goes to a private state dir, never the user's.
state_dir="$(mktemp -d)"
# The fleet part runs on a server of its own (below); both are stopped on exit.
sockets=("$TMUX_SOCKET" "$TMUX_SOCKET-fleet")
trap 'for s in "${sockets[@]}"; do tm_stop "$s"; done; rm -f "$status_file"; rm -rf "$state_dir"' EXIT


tm new-session -d -s tui -x 140 -y 45 "POSTFLOW_STATE='$state_dir' '$bin'; echo \$? > '$status_file'"
# Keep the pane after the app exits, to check how it exited.
tm set-option -t tui remain-on-exit on >/dev/null

wait_for "Start an order"
# Shrink below the minimum: a short message instead of the panes; grow back: the panes return.
tm resize-window -t tui -x 60 -y 20
wait_for "needs at least 80x24"
tm resize-window -t tui -x 140 -y 45
wait_for "History:"
keys Enter
wait_for "attempt=1 (try 2"
# Two clock moves: the payment retries succeed and the delivery timer starts.
keys t
wait_for "attempt=2 (try 3"
keys t
wait_for "TimerStarted"
keys c
wait_for "Scan the package"
# A typo fixed as in any terminal program: ← onto the t, Backspace deletes the x before it.
keys -l "Delfxt"
wait_for "> Delfxt_"
keys Left
keys BSpace
wait_for "> Delft "
keys Enter
wait_for "ScanSignal --workflow_id Order123"
wait_for '{"location":"Delft"}'
keys d
wait_for "WorkflowExecutionCompleted"
wait_for "│ completed │"
echo "screen after delivery:"
screen | head -3
# k (the previous event) and J (scroll its explanation), as a real terminal sends them:
# on an 80x24 terminal the explanation is longer than its pane.
keys k
wait_for "DecisionTaskCompleted (x: JSON)"
tm resize-window -t tui -x 80 -y 24
wait_for "lines 1-5 of"
keys J
wait_for "lines 2-6 of"
# j: back to the newest event, whose Why title at 80 columns drops its key hint
# rather than be cut mid-word ("(x: JSO").
keys j
wait_for "┌ Why 40 WorkflowExecutionCompleted ─"
# A letter that is no key says so, rather than leave the screen as it was.
keys Z
wait_for "Z does nothing here: ? lists every key"
tm resize-window -t tui -x 140 -y 45
wait_for "History:"
# Cancel: a new order (the delivered one is closed) while its payment is retried, C
# (Shift-c, as the terminal sends it), a reason typed, Enter; the code gives up and the
# server closes the workflow as canceled.
keys s
wait_for "Start an order"
keys Enter
wait_for "started; a new session replaced yours"
keys C
wait_for "Cancel the workflow: reason"
keys -l "order withdrawn"
keys Enter
wait_for "WorkflowExecutionCancelRequested cause=order"
wait_for "WorkflowExecutionCanceled "
wait_for "│ canceled │"
# Terminate: another new order, X, a reason typed, Enter; the server's own close event
# shows in the history and the status line says terminated.
keys s
wait_for "Start an order"
keys Enter
wait_for "started; a new session replaced yours"
keys X
wait_for "Terminate the workflow: reason"
keys -l "lost in the post"
keys Enter
wait_for "WorkflowExecutionTerminated reason=lost in the post"
wait_for "│ terminated │"
wait_for "Order123 terminated (reason: lost in the post)"

keys q
for _ in $(seq 1 300); do
  [ -s "$status_file" ] && break
  sleep 0.1
done
status="$(cat "$status_file" 2>/dev/null || echo "none: still running")"
if [ "$status" != 0 ]; then
  echo "FAIL: tui did not quit cleanly on q (exit status: $status)" >&2
  exit 1
fi
# A restored terminal has left the alternate screen: the panes are gone.
if screen | grep -qF "History:"; then
  echo "FAIL: the terminal still shows the app after quitting (alternate screen not left)" >&2
  screen >&2
  exit 1
fi
echo "tmux test passed: resized, started, scanned (a typo fixed with ← and Backspace), delivered, saw the completed workflow, selected an event with k and scrolled its explanation with J, an unbound key said so, canceled a new order and terminated another, each with a reason, quit with status 0"

# The guided tour and live time: chapter 1's first step, then chapter 2 in live time,
# where the payment's retries happen by themselves; the progress survives a restart.
tm kill-session -t tui
tm new-session -d -s tui -x 160 -y 50 "POSTFLOW_STATE='$state_dir' '$bin'"
wait_for "Start an order"
keys Escape
# The form closed (the main key bar shows) before G: an Esc and a G sent together read
# as Alt-G.
wait_for "? help"
keys G
wait_for "Tour · chapter 1 of 7 · step 1 of 2"
keys T
wait_for "tour: chapter 1 (activities)"
keys Enter
wait_for "tour: chapter 1, step 1 of 2 done"
wait_for "Tour · chapter 1 of 7 · step 2 of 2"
keys "]"
wait_for "Tour · chapter 2 of 7 · step 1 of 4"
keys T
# Chapter 2 asks first: its session opens on the question, not under the start form.
wait_for "tour: chapter 2 (retries): predict first (1-3 in the tour pane)"
keys 2
wait_for "prediction 2: now do the step and see"
keys s
wait_for "Start an order"
keys Enter
wait_for "attempt=1 (try 2"
wait_for "Prediction: ✓ right (you chose 2)"
keys L
wait_for "● live ×10"
# No key moves the clock: live time reaches both retries and the order completes.
wait_for "WorkflowExecutionCompleted"
wait_for "Tour · chapter 2 of 7 · step 4 of 4"
keys q
# The app quits and its session with it (bounded wait).
wait_gone tui
test -s "$state_dir/tour.txt" || { echo "FAIL: no tour progress in $state_dir/tour.txt" >&2; exit 1; }
tm new-session -d -s tui -x 160 -y 50 "POSTFLOW_STATE='$state_dir' '$bin'"
wait_for "Start an order"
keys Escape
# The form closed (the main key bar shows) before G: an Esc and a G sent together read
# as Alt-G.
wait_for "? help"
keys G
wait_for "Tour · chapter 2 of 7 · step 4 of 4"
keys q
echo "tmux tour test passed: the tour moved on with the actions, live time ran the retries, the progress survived a restart"

# A fleet: where it is while it runs (thousands of packages take seconds in a debug
# build), then its charts; q quits. A tmux server of its own: the last one may still be
# exiting after its last session ended, and a client that reaches it then fails.
TMUX_SOCKET=${sockets[1]}
tm new-session -d -s tui -x 140 -y 45 "'$bin' --fleet 6000"
# Its counts grouped as the screen groups them: "of 6,000 packages", not "of 6000".
wait_for "of 6,000 packages closed, virtual day"
wait_for "worker cache hit rate"
keys q
wait_gone "tui --fleet"
echo "tmux fleet test passed: the progress while the fleet ran, then its charts, quit on q"
