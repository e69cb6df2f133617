#!/usr/bin/env bash
# Set everything up and run the whole test suite: ruff, then pytest on SQLite and on a
# real PostgreSQL server, with the browser tests in Debian's chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
export TTHC_TEST_PG_URL
TTHC_TEST_PG_URL=$(bash scripts/postgres.sh start)
trap 'bash scripts/postgres.sh stop' EXIT
echo "==> ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check . >/dev/null || { .venv/bin/ruff format --diff . | head -50; exit 1; }
echo "==> pytest (PostgreSQL at $TTHC_TEST_PG_URL)"
.venv/bin/python -m pytest -q -rs -p no:cacheprovider "$@"  # -rs: every skip named with its reason
