#!/usr/bin/env bash
# One command for a new user: install, index the reference corpus, start searching.
#   bash scripts/quickstart.sh [CORPUS_DIR]      (default: ../shared/corpus)
set -euo pipefail
cd "$(dirname "$0")/.."
CORPUS="${1:-../shared/corpus}"
bash scripts/setup.sh
if [ ! -f .policyrag/index/CURRENT ]; then
    .venv/bin/policyrag ingest "$CORPUS"
fi
exec .venv/bin/policyrag search
