#!/usr/bin/env bash
# Benchmark: opening a ~2 GB DCP folder (torch.distributed.checkpoint, FileSystemWriter) against opening the same
# tensors as a ~2 GB .pth, both with `inspect --json` as whole processes (JVM start included), best and median of
# REPS runs after one warm-up each, same page cache. Goal: DCP within 2x of .pth. Then both with a 64 MB heap and
# their peak resident set sizes: the heap must stay flat.
#
# usage: bench/dcp-bench.sh            (REPS=5 by default; PYTHON=/opt/torch213/bin/python)
set -euo pipefail
cd "$(dirname "$0")/.."

REPS=${REPS:-5}
PYTHON=${PYTHON:-${TORCH213_PYTHON:-/opt/torch213/bin/python}}
BIG=bench/work/big.pt
DCP=bench/work/big-dcp
JAR=target/checkpoint-inspector.jar

mkdir -p bench/work
if [ ! -f "$BIG" ]; then
  "$PYTHON" bench/make_big_checkpoint.py "$BIG"
fi
if [ ! -d "$DCP" ]; then
  "$PYTHON" bench/make_big_dcp.py "$BIG" "$DCP"
fi
if [ ! -f "$JAR" ]; then
  mvn -B -q -o package -DskipTests
fi

. bench/measure.sh

echo "pth: $BIG ($(du -h "$BIG" | cut -f1)); dcp: $DCP ($(du -sh "$DCP" | cut -f1)); $REPS runs each"
read -r pth_best pth_median < <(measure java -jar "$JAR" inspect "$BIG" --json)
read -r dcp_best dcp_median < <(measure java -jar "$JAR" inspect "$DCP" --json)
printf 'inspect --json .pth   best %6.3f s  median %6.3f s\n' "$pth_best" "$pth_median"
printf 'inspect --json DCP    best %6.3f s  median %6.3f s\n' "$dcp_best" "$dcp_median"
printf 'ratio DCP/.pth        best %6.2f    median %6.2f   (goal: at most 2)\n' \
  "$(echo "$dcp_best / $pth_best" | bc -l)" "$(echo "$dcp_median / $pth_median" | bc -l)"

for f in "$BIG" "$DCP"; do
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f '%M' -o bench/work/rss.txt java -Xmx64m -jar "$JAR" inspect "$f" --json > /dev/null
    echo "inspect -Xmx64m $f: ok, peak RSS $(( $(cat bench/work/rss.txt) / 1024 )) MB"
  else
    java -Xmx64m -jar "$JAR" inspect "$f" --json > /dev/null
    echo "inspect -Xmx64m $f: ok"
  fi
done
