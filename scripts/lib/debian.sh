# shellcheck shell=bash
# Installing Debian packages, the one way every script does it: only the packages
# that are not installed yet (dpkg's own record), one `apt-get update` then (the slow
# part), as root or through sudo. Source it; `debian_install PACKAGE...`.

# The packages of the arguments that are not installed, one per line.
debian_missing() {
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || echo "$p"
  done
}

debian_install() {
  local missing sudo=()
  missing=$(debian_missing "$@")
  [[ -z $missing ]] && return 0
  # root on the project's machines and in CI; sudo on a developer's
  if [[ $(id -u) != 0 ]]; then
    if ! command -v sudo >/dev/null; then
      echo "error: need root or sudo to install Debian packages: ${missing//$'\n'/ }" >&2
      return 1
    fi
    sudo=(sudo)
  fi
  echo "installing Debian packages: ${missing//$'\n'/ }" >&2
  "${sudo[@]}" apt-get update -qq
  # shellcheck disable=SC2086  # one word per package
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
}
