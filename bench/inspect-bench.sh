#!/usr/bin/env bash
# Benchmark: time to open a ~2 GB torch checkpoint and list its tensors, against torch.load(mmap=True).
# Whole processes (JVM start included), best and median of REPS runs after one warm-up each, same page cache.
# Also runs inspect with a 64 MB heap: memory must not grow with the file size.
#
# Then a checkpoint of 20,000 small tensors (80 MB), where the pickle and the zip directory are the work, not the
# bytes: inspect --json and scan, in interleaved rounds with torch.load(mmap=True) and, when BASELINE_JAR is given,
# an older build's inspect and scan (before/after under the same load).
#
# usage: bench/inspect-bench.sh            (REPS=5 by default; PYTHON=/opt/torch213/bin/python, BASELINE_JAR)
set -euo pipefail
cd "$(dirname "$0")/.."

REPS=${REPS:-5}
PYTHON=${PYTHON:-${TORCH213_PYTHON:-/opt/torch213/bin/python}}
BIG=bench/work/big.pt
JAR=target/checkpoint-inspector.jar

mkdir -p bench/work
if [ ! -f "$BIG" ]; then
  "$PYTHON" bench/make_big_checkpoint.py "$BIG"
fi
if [ ! -f "$JAR" ]; then
  mvn -B -q -o package -DskipTests
fi

. bench/measure.sh

echo "file: $BIG ($(du -hL "$BIG" | cut -f1)), $REPS runs each"
read -r java_best java_median < <(measure java -jar "$JAR" inspect "$BIG" --json)
read -r torch_best torch_median < <(measure "$PYTHON" -c \
  "import torch; torch.load('$BIG', mmap=True, weights_only=True)")
printf 'inspect --json        best %6.3f s  median %6.3f s\n' "$java_best" "$java_median"
printf 'torch.load(mmap=True) best %6.3f s  median %6.3f s\n' "$torch_best" "$torch_median"
printf 'ratio inspect/torch   best %6.2f    median %6.2f\n' \
  "$(echo "$java_best / $torch_best" | bc -l)" "$(echo "$java_median / $torch_median" | bc -l)"

# Memory: the same inspect with a 64 MB heap; peak resident set size via GNU time when available.
if [ -x /usr/bin/time ]; then
  /usr/bin/time -f '%M' -o bench/work/rss.txt java -Xmx64m -jar "$JAR" inspect "$BIG" --json > /dev/null
  echo "inspect -Xmx64m: ok, peak RSS $(( $(cat bench/work/rss.txt) / 1024 )) MB (file $(du -mL "$BIG" | cut -f1) MB)"
else
  java -Xmx64m -jar "$JAR" inspect "$BIG" --json > /dev/null
  echo "inspect -Xmx64m: ok"
fi

MANY=bench/work/many.pt
if [ ! -f "$MANY" ]; then
  "$PYTHON" bench/make_big_checkpoint.py "$MANY" --tensors 20000 --gb 0.08 > /dev/null
fi
declare -A RUNS
RUNS[inspect]="java -jar $JAR inspect $MANY --json"
RUNS[scan]="java -jar $JAR scan $MANY"
RUNS[torch.load]="$PYTHON -c \"import torch; torch.load('$MANY', mmap=True, weights_only=True)\""
NAMES=(inspect scan)
if [ -n "${BASELINE_JAR:-}" ]; then
  RUNS[baseline-inspect]="java -jar $BASELINE_JAR inspect $MANY --json"
  RUNS[baseline-scan]="java -jar $BASELINE_JAR scan $MANY"
  NAMES+=(baseline-inspect baseline-scan)
fi
NAMES+=(torch.load)
declare -A TIMES
for name in "${NAMES[@]}"; do eval "${RUNS[$name]}" > /dev/null 2>&1 || true; done   # warm-up
for _ in $(seq "$REPS"); do
  for name in "${NAMES[@]}"; do
    t0=$(now)
    eval "${RUNS[$name]}" > /dev/null 2>&1
    TIMES[$name]+="$(echo "$(now) - $t0" | bc -l) "
  done
done
echo "file: $MANY ($(du -h "$MANY" | cut -f1), 20,000 tensors), $REPS interleaved rounds"
for name in "${NAMES[@]}"; do
  printf '%-18s %s\n' "$name" "$(printf '%s\n' ${TIMES[$name]} | sort -g \
    | awk '{a[NR]=$1} END {printf "best %6.3f s  median %6.3f s", a[1], a[int((NR+1)/2)]}')"
done
