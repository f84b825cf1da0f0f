#!/usr/bin/env bash
# Benchmark: time to open a ~2 GB torch checkpoint and list its tensors, against torch.load(mmap=True).
# Whole processes (JVM start included), best and median of REPS runs after one warm-up each, same page cache.
# Also runs inspect with a 64 MB heap: memory must not grow with the file size.
#
# usage: bench/inspect-bench.sh            (REPS=5 by default; PYTHON=/opt/torch213/bin/python)
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

echo "file: $BIG ($(du -h "$BIG" | cut -f1)), $REPS runs each"
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
  echo "inspect -Xmx64m: ok, peak RSS $(( $(cat bench/work/rss.txt) / 1024 )) MB (file $(du -m "$BIG" | cut -f1) MB)"
else
  java -Xmx64m -jar "$JAR" inspect "$BIG" --json > /dev/null
  echo "inspect -Xmx64m: ok"
fi
