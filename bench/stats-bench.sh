#!/usr/bin/env bash
# Benchmark of `stats`: whole-checkpoint statistics and 100-bin histograms of a ~2 GB float32 checkpoint,
# page-cached, against torch doing min/max/mean/std/isnan/histc per tensor after torch.load(mmap=True), and a
# plain memory read (numpy sum over the same bytes through np.memmap) that gives the memory speed.
# Not a test: prints times, GB/s and ratios. Usage: bench/stats-bench.sh [CHECKPOINT]
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${TORCH213_PYTHON:-/opt/torch213/bin/python}
FILE=${1:-bench/work/big.pt}
JAR=target/checkpoint-inspector.jar
RUNS=${RUNS:-3}

mkdir -p bench/work
[ -f "$JAR" ] || mvn -B -q -o package -DskipTests
[ -f "$FILE" ] || "$PY" bench/make_big_checkpoint.py "$FILE"
cat "$FILE" > /dev/null   # into the page cache

best() {   # best wall time in seconds of RUNS runs of a command
  local best=""
  for _ in $(seq "$RUNS"); do
    local t0 t1
    t0=$(date +%s.%N); "$@" > /dev/null; t1=$(date +%s.%N)
    best=$(echo "$t0 $t1 $best" | awk '{d = $2 - $1; if ($3 == "" || d < $3) print d; else print $3}')
  done
  echo "$best"
}

java_s=$(best java -jar "$JAR" stats "$FILE" --json)

read -r numpy_s torch_s <<<"$("$PY" - "$FILE" <<'PYEOF'
import sys, time
import numpy as np
import torch

path = sys.argv[1]
m = np.memmap(path, dtype=np.uint8, mode="r")
floats = m[: m.size // 4 * 4].view(np.float32)
best = None
for _ in range(3):
    t0 = time.perf_counter()
    floats.sum(dtype=np.float64)
    d = time.perf_counter() - t0
    best = d if best is None or d < best else best

t0 = time.perf_counter()
if path.endswith(".safetensors"):
    from safetensors.torch import load_file
    sd = load_file(path)
else:
    sd = torch.load(path, mmap=True, weights_only=True)
for t in sd.values():
    lo, hi = t.min(), t.max()
    t.mean(); t.std(); torch.isnan(t).sum()
    torch.histc(t, bins=100, min=lo.item(), max=hi.item())
print(best, time.perf_counter() - t0)
PYEOF
)"

gb=$(stat -L -c %s "$FILE" | awk '{print $1 / 1e9}')
awk -v gb="$gb" -v j="$java_s" -v t="$torch_s" -v n="$numpy_s" 'BEGIN {
  printf "checkpoint       %.2f GB, page-cached, %d cores\n", gb, '"$(nproc)"'
  printf "numpy sum        %7.3f s  %6.2f GB/s  (memory-read baseline, one core)\n", n, gb / n
  printf "stats (java)     %7.3f s  %6.2f GB/s  (JVM start, open, stats + 100-bin histograms, JSON)\n", j, gb / j
  printf "torch            %7.3f s  %6.2f GB/s  (load mmap, min/max/mean/std/isnan/histc)\n", t, gb / t
  printf "speed-up vs torch  %.1fx   (goal >= 3x)\n", t / j
  printf "java / numpy sum   %.2fx the time of one plain read\n", j / n
}'
