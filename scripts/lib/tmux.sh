# shellcheck shell=bash
# Driving the real `tui` binary in a private tmux server, for the test scripts.
# Source it, set TMUX_SOCKET (a name of the caller's own, so a user's tmux sessions
# are never touched), optionally WAIT_SECONDS (default 60: only a bound for a failing
# run, every wait ends as soon as the screen shows what it waits for) and a function
# on_wait_failure that prints more context; then use tm, screen, keys, wait_for,
# ask_until and wait_gone, and tm_stop when done.

tm() { tmux -L "$TMUX_SOCKET" "$@"; }

# Stops the private tmux server of socket $1 (default TMUX_SOCKET), if any, and
# removes its socket file, which tmux leaves behind in its directory.
tm_stop() {
  local socket=${1:-$TMUX_SOCKET}
  [[ -n $socket ]] || return 0
  tmux -L "$socket" kill-server >/dev/null 2>&1 || true
  rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$socket"
}
screen() { tm capture-pane -p -t tui; }
keys() { tm send-keys -t tui "$@"; }

# Waits (polling every 0.1 s, at most WAIT_SECONDS) until the screen shows $1; on
# time-out prints the screen and fails the script.
wait_for() {
  local tries=$(( ${WAIT_SECONDS:-60} * 10 ))
  for _ in $(seq 1 "$tries"); do
    if screen | grep -qF -- "$1"; then return 0; fi
    sleep 0.1
  done
  echo "FAIL: the screen never showed: $1" >&2
  screen >&2
  if declare -F on_wait_failure >/dev/null; then on_wait_failure >&2; fi
  exit 1
}

# Presses key $1 until the screen shows $2 (at most WAIT_SECONDS): for a question
# whose answer can change, like a query sent before the workflow read a signal. Each
# press asks again; between presses the screen gets a moment to show the answer.
ask_until() {
  local key=$1 text=$2 deadline=$((SECONDS + ${WAIT_SECONDS:-60}))
  while ((SECONDS < deadline)); do
    keys "$key"
    for _ in $(seq 1 20); do
      if screen | grep -qF -- "$text"; then return 0; fi
      sleep 0.1
    done
  done
  echo "FAIL: pressing $key never made the screen show: $text" >&2
  screen >&2
  if declare -F on_wait_failure >/dev/null; then on_wait_failure >&2; fi
  exit 1
}

# Waits (at most WAIT_SECONDS) until the session has ended, as after q; if it has
# not, prints the screen and fails the script, naming what ($1) did not quit.
wait_gone() {
  local tries=$(( ${WAIT_SECONDS:-60} * 10 ))
  for _ in $(seq 1 "$tries"); do
    tm has-session -t tui 2>/dev/null || return 0
    sleep 0.1
  done
  echo "FAIL: $1 did not quit on q" >&2
  screen >&2
  exit 1
}
