#!/usr/bin/env bash
# One command for a new user: install, index the reference corpus, start the web app.
#   bash scripts/quickstart.sh [CORPUS_DIR]      (default: ../shared/corpus)
# Then open http://127.0.0.1:7860/ (another port: POLICYRAG_SERVE_PORT=8000 bash scripts/quickstart.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
CORPUS="${1:-../shared/corpus}"
bash scripts/setup.sh --ocr || bash scripts/setup.sh  # OCR needs root for apt; the rest does not
if [ ! -f .policyrag/index/CURRENT ]; then
    # Exit code 1: some files could not be indexed (listed above); the index of the others is written.
    .venv/bin/policyrag ingest "$CORPUS" || [ $? -eq 1 ]
fi
exec .venv/bin/policyrag serve
