#!/usr/bin/env bash
# One command for a new user: install, index the reference corpus, start the web app.
#   bash scripts/quickstart.sh [CORPUS_DIR]      (default: ../shared/corpus)
# Then open http://127.0.0.1:7860/ (another port: POLICYRAG_SERVE_PORT=8000 bash scripts/quickstart.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
CORPUS="${1:-../shared/corpus}"
bash scripts/setup.sh
if [ ! -f .policyrag/index/CURRENT ]; then
    .venv/bin/policyrag ingest "$CORPUS"
fi
exec .venv/bin/policyrag serve
