#!/usr/bin/env bash
# Installs the real torch interpreters the tests use as oracles, when they are missing:
#   torch 1.13 from Debian (python3-torch) at /usr/bin/python3, and
#   torch 2.13 CPU with safetensors, numpy, transformers, peft and gguf in a virtualenv (TORCH213_VENV, /opt/torch213).
# Maven runs it before the tests (process-test-resources), so `mvn -B verify` alone works on a fresh machine.
# Quick when everything is there: it only imports the packages.
set -euo pipefail

VENV=${TORCH213_VENV:-/opt/torch213}
PIP_PACKAGES=(torch==2.13.0+cpu safetensors==0.8.0 numpy==2.4.6 transformers==5.18.0 peft==0.21.0 gguf==0.19.0)

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo -n "$@"
  else
    echo "test-pythons: '$*' needs root; run it once as root (or with sudo), then run the tests again." >&2
    exit 1
  fi
}

if ! /usr/bin/python3 -c 'import torch, numpy' >/dev/null 2>&1; then
  echo "test-pythons: installing Debian's python3-torch (torch 1.13) for the round-trip tests"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq
  as_root apt-get install -y -qq python3-torch python3-numpy python3-venv >/dev/null
fi

if ! "$VENV/bin/python" -c 'import torch, safetensors, numpy, transformers, peft, gguf' >/dev/null 2>&1; then
  echo "test-pythons: installing torch 2.13 CPU and its companions into $VENV"
  if [ ! -x "$VENV/bin/python" ]; then
    if [ -w "$(dirname "$VENV")" ]; then python3 -m venv "$VENV"; else as_root python3 -m venv "$VENV"; fi
  fi
  pip=("$VENV/bin/pip" install -q --retries 0 --timeout 2 "${PIP_PACKAGES[@]}")
  if [ -w "$VENV" ]; then "${pip[@]}"; else as_root "${pip[@]}"; fi
fi

/usr/bin/python3 -c 'import torch; print("test-pythons: torch", torch.__version__, "(Debian)")'
"$VENV/bin/python" -c 'import torch; print("test-pythons: torch", torch.__version__, "(" + __import__("sys").prefix + ")")'
