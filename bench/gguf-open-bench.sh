#!/usr/bin/env bash
# Benchmark: time to open a ~2 GB GGUF file and list its tensors (inspect --json), against opening the ~2 GB
# torch checkpoint of inspect-bench.sh the same way. Goal: GGUF within 2x of .pth. Whole processes (JVM start
# included), best and median of REPS runs after one warm-up each, same page cache. Then the GGUF again with a
# 64 MB heap: opening reads headers only, so memory must not grow with the file.
#
# usage: bench/gguf-open-bench.sh          (REPS=5 by default; PYTHON=/opt/torch213/bin/python, needs gguf-py)
set -euo pipefail
cd "$(dirname "$0")/.."

REPS=${REPS:-5}
PYTHON=${PYTHON:-${TORCH213_PYTHON:-/opt/torch213/bin/python}}
PTH=bench/work/big.pt
GGUF=bench/work/big.gguf
JAR=target/checkpoint-inspector.jar

mkdir -p bench/work
[ -f "$PTH" ] || "$PYTHON" bench/make_big_checkpoint.py "$PTH"
[ -f "$GGUF" ] || "$PYTHON" bench/make_big_gguf.py "$GGUF"
[ -f "$JAR" ] || mvn -B -q -o package -DskipTests

. bench/measure.sh

echo "files: $GGUF ($(du -h "$GGUF" | cut -f1)), $PTH ($(du -h "$PTH" | cut -f1)); $REPS runs each"
read -r g_best g_median < <(measure java -jar "$JAR" inspect "$GGUF" --json)
read -r p_best p_median < <(measure java -jar "$JAR" inspect "$PTH" --json)
read -r py_best py_median < <(measure "$PYTHON" -c "import gguf; r = gguf.GGUFReader('$GGUF'); len(r.tensors)")
printf 'inspect --json .gguf   best %6.3f s  median %6.3f s\n' "$g_best" "$g_median"
printf 'inspect --json .pt     best %6.3f s  median %6.3f s\n' "$p_best" "$p_median"
printf 'gguf.GGUFReader        best %6.3f s  median %6.3f s\n' "$py_best" "$py_median"
printf 'ratio gguf/pt          best %6.2f    median %6.2f   (goal <= 2)\n' \
  "$(echo "$g_best / $p_best" | bc -l)" "$(echo "$g_median / $p_median" | bc -l)"

if [ -x /usr/bin/time ]; then
  /usr/bin/time -f '%M' -o bench/work/rss.txt java -Xmx64m -jar "$JAR" inspect "$GGUF" --json > /dev/null
  echo "inspect .gguf -Xmx64m: ok, peak RSS $(( $(cat bench/work/rss.txt) / 1024 )) MB (file $(du -m "$GGUF" | cut -f1) MB)"
else
  java -Xmx64m -jar "$JAR" inspect "$GGUF" --json > /dev/null
  echo "inspect .gguf -Xmx64m: ok"
fi
