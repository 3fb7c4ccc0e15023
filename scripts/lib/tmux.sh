# shellcheck shell=bash
# Driving the real `tui` binary in a private tmux server, for the test scripts.
# Source it, set TMUX_SOCKET (a name of the caller's own, so a user's tmux sessions
# are never touched), optionally WAIT_SECONDS (default 20) and a function
# on_wait_failure that prints more context; then use tm, screen, keys and wait_for.

tm() { tmux -L "$TMUX_SOCKET" "$@"; }
screen() { tm capture-pane -p -t tui; }
keys() { tm send-keys -t tui "$@"; }

# Waits (polling every 0.1 s, at most WAIT_SECONDS) until the screen shows $1; on
# time-out prints the screen and fails the script.
wait_for() {
  local tries=$(( ${WAIT_SECONDS:-20} * 10 ))
  for _ in $(seq 1 "$tries"); do
    if screen | grep -qF -- "$1"; then return 0; fi
    sleep 0.1
  done
  echo "FAIL: the screen never showed: $1" >&2
  screen >&2
  if declare -F on_wait_failure >/dev/null; then on_wait_failure >&2; fi
  exit 1
}
