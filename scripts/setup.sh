#!/usr/bin/env bash
# Set up everything the project needs: a virtual environment with the package and its
# dependencies. With --test it also installs what the tests need from Debian's packages
# (PostgreSQL server, Chromium, LibreOffice). Safe to run again: it skips work already done.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv"
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.tthc-installed
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "==> installing the project and its dependencies"
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e '.[dev]'
  echo "$want" > "$stamp"
fi

need_apt=()
if [ "${1:-}" = "--test" ]; then
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
  [ -x /usr/bin/chromium ] || need_apt+=(chromium)
  command -v soffice >/dev/null || need_apt+=(libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils fonts-liberation)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "==> installing from Debian: ${need_apt[*]}"
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
