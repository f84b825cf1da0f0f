#!/usr/bin/env bash
# GUI responsiveness on the ~2 GB benchmark checkpoint: time until the tree shows, and the longest FX-thread
# stall while opening, computing statistics, diffing and exporting. Needs xvfb-run (Debian: xvfb) and the jar.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${TORCH213_PYTHON:-/opt/torch213/bin/python}
mkdir -p bench/work
[ -f bench/work/big.pt ] || "$PY" bench/make_big_checkpoint.py bench/work/big.pt
[ -f bench/work/big_perturbed.pt ] || "$PY" bench/make_big_checkpoint.py bench/work/big_perturbed.pt --perturb
[ -f target/checkpoint-inspector.jar ] || mvn -B -q -o package -DskipTests
# Drop nothing from the page cache: the numbers are for a file the OS has seen (the usual second open).
xvfb-run -a -s "-screen 0 1600x1000x24" java -Xmx2g -cp target/checkpoint-inspector.jar \
    bench/GuiResponsiveness.java bench/work/big.pt bench/work/big_perturbed.pt
