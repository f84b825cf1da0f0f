#!/usr/bin/env bash
# GUI responsiveness on the ~2 GB benchmark checkpoint: time until the tree shows, and the longest FX-thread
# stall while opening, computing statistics, diffing and exporting, each stall taken apart into the FX thread's
# own work and the machine's share (waiting for a CPU, GC). Needs xvfb-run (Debian: xvfb) and the jar.
#
# usage: bench/gui_responsiveness.sh                 RUNS=3 for several runs;
#        JAVA_OPTS=-Dprofile bench/gui_responsiveness.sh   adds where the FX thread was during late frames
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${TORCH213_PYTHON:-/opt/torch213/bin/python}
RUNS=${RUNS:-1}
mkdir -p bench/work
[ -f bench/work/big.pt ] || "$PY" bench/make_big_checkpoint.py bench/work/big.pt
[ -f bench/work/big_perturbed.pt ] || "$PY" bench/make_big_checkpoint.py bench/work/big_perturbed.pt --perturb
[ -f target/checkpoint-inspector.jar ] || mvn -B -q -o package -DskipTests
# Drop nothing from the page cache: the numbers are for a file the OS has seen (the usual second open).
for run in $(seq "$RUNS"); do
    echo "== run $run of $RUNS; $(nproc) CPUs; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
    # shellcheck disable=SC2086
    xvfb-run -a -s "-screen 0 1600x1000x24" java -Xmx2g ${JAVA_OPTS:-} -cp target/checkpoint-inspector.jar \
        bench/GuiResponsiveness.java bench/work/big.pt bench/work/big_perturbed.pt 2>&1 \
        | grep -v -e 'Unsupported JavaFX configuration' -e 'PlatformImpl startup' -e 'XSetErrorHandler' -e '^$' || true
done
