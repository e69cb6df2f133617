#!/usr/bin/env bash
# Set everything up and start the dashboard on the embedded demo catalogue (SQLite).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/tthc demo
exec .venv/bin/streamlit run app.py --server.headless true "$@"
