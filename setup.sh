#!/usr/bin/env bash
# Sets up pharoctl on Debian 12: installs the missing packages, builds, installs.
#   ./setup.sh                 everything; installs into /usr/local as root, ~/.local otherwise
#   ./setup.sh --deps-only     only the packages
#   PREFIX=/opt/pharoctl ./setup.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
deps_only=0
[ "${1:-}" = "--deps-only" ] && deps_only=1

say() { printf 'setup: %s\n' "$*"; }

install_packages() {
  local wanted missing=()
  wanted=$(grep -vE '^\s*(#|$)' "$here/scripts/packages.txt")
  for p in $wanted; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing ${missing[*]}"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { say "need root to install: ${missing[*]}"; exit 1; }
    sudo=sudo
  fi
  $sudo apt-get -o DPkg::Lock::Timeout=900 update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The offline Kubernetes schema validator the tests run every exported object through, from the
# npm registry into a cache outside the repository (PHAROCTL_TEST_CACHE, default
# /var/cache/pharoctl-tests); pinned, and only when missing.
install_npm_packages() {
  local cache=${PHAROCTL_TEST_CACHE:-/var/cache/pharoctl-tests}
  local dir="$cache/npm" want="kubernetes-models@4.5.1 @kubernetes-models/validate@4.0.0 js-yaml@4.1.0"
  [ -f "$dir/.installed" ] && [ "$(cat "$dir/.installed")" = "$want" ] && return 0
  if ! command -v npm >/dev/null; then
    say "installing npm"
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends npm >/dev/null
  fi
  mkdir -p "$dir"
  say "installing $want into $dir"
  # shellcheck disable=SC2086
  npm install --silent --no-audit --no-fund --no-save --prefix "$dir" $want >/dev/null
  echo "$want" > "$dir/.installed"
}

install_packages
if [ "$(id -u)" -eq 0 ] || [ -n "${PHAROCTL_TEST_CACHE:-}" ]; then install_npm_packages; fi
[ $deps_only -eq 1 ] && exit 0

build="$here/build"
if [ "$(id -u)" -eq 0 ]; then prefix=${PREFIX:-/usr/local}; else prefix=${PREFIX:-$HOME/.local}; fi
cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX="$prefix" >/dev/null
cmake --build "$build"
cmake --install "$build" >/dev/null
say "installed pharoctl into $prefix/bin (its helpers pharoctl-supervise and pharo-sim into $prefix/libexec/pharoctl)"
case ":$PATH:" in
  *":$prefix/bin:"*) ;;
  *) say "add $prefix/bin to your PATH: export PATH=\"$prefix/bin:\$PATH\"" ;;
esac
