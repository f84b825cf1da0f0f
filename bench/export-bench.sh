#!/usr/bin/env bash
# Export benchmark (not a test): export about 1 GB of tensors (half the keys of the ~2 GB benchmark checkpoint,
# chosen with --include) and copy the same number of bytes with cp, page cache warm for both, in the same run.
# Prints the best of RUNS timings of each and the ratio of speeds (goal: export at >= 70% of cp's speed).
# Export is timed end to end through the CLI, without and with the read-back verification (which hashes the
# source and the output, 2 GB of SHA-256). A JVM that starts, loads the reader and opens the 2 GB file costs a
# fixed time that cp does not pay; it is measured as `inspect` of the same file and also shown subtracted.
#
# usage: bench/export-bench.sh [RUNS]      (env: JAVA, TORCH213_PYTHON)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
WORK=bench/work
BIG=$WORK/big.pt
JAR=target/checkpoint-inspector.jar
JAVA=${JAVA:-java}
mkdir -p "$WORK"

if [ ! -f "$BIG" ]; then
  "${TORCH213_PYTHON:-/opt/torch213/bin/python}" bench/make_big_checkpoint.py "$BIG"
fi
if [ ! -f "$JAR" ]; then
  mvn -B -q -o package -DskipTests
fi

OUT=$WORK/half.pth
COPY_SRC=$WORK/copy-src.bin
COPY_DST=$WORK/copy-dst.bin
INCLUDE='^layers\.[0-7]\.'   # layers.0-7 of 0-15: 32 of the 64 tensors

now() { date +%s.%N; }
best_of() {  # best_of CMD...: prints the fastest of $RUNS timed runs (after one untimed warm-up run)
  "$@" >/dev/null
  local best=""
  for _ in $(seq "$RUNS"); do
    local t0 t1 dt
    t0=$(now); "$@" >/dev/null; t1=$(now)
    dt=$(echo "$t1 - $t0" | bc -l)
    if [ -z "$best" ] || [ "$(echo "$dt < $best" | bc -l)" = 1 ]; then best=$dt; fi
  done
  echo "$best"
}

export_cmd() { rm -f "$OUT"; "$JAVA" -jar "$JAR" export "$BIG" "$OUT" --include "$INCLUDE" "$@"; }
copy_cmd() { rm -f "$COPY_DST"; cp --reflink=never "$COPY_SRC" "$COPY_DST"; }

cat "$BIG" >/dev/null                       # warm the page cache with the source
export_cmd --no-verify >/dev/null
BYTES=$(stat -c %s "$OUT")
if [ ! -f "$COPY_SRC" ] || [ "$(stat -c %s "$COPY_SRC")" != "$BYTES" ]; then
  head -c "$BYTES" "$BIG" > "$COPY_SRC"      # a file of exactly the exported size, made once
fi
cat "$COPY_SRC" >/dev/null

T_CP=$(best_of copy_cmd)
T_OPEN=$(best_of "$JAVA" -jar "$JAR" inspect "$BIG")
T_EXPORT=$(best_of export_cmd --no-verify)
T_VERIFIED=$(best_of export_cmd)
rm -f "$OUT" "$COPY_DST"

MB=$(echo "$BYTES / 1000000" | bc -l)
printf 'bytes exported: %d (%.0f MB, 32 of 64 tensors)\n' "$BYTES" "$MB"
printf 'cp --reflink=never:        %6.3f s  %7.0f MB/s\n' "$T_CP" "$(echo "$MB / $T_CP" | bc -l)"
printf 'export --no-verify:        %6.3f s  %7.0f MB/s  speed ratio vs cp %.2f\n' "$T_EXPORT" \
  "$(echo "$MB / $T_EXPORT" | bc -l)" "$(echo "$T_CP / $T_EXPORT" | bc -l)"
printf 'export (verified sha256):  %6.3f s  %7.0f MB/s  speed ratio vs cp %.2f\n' "$T_VERIFIED" \
  "$(echo "$MB / $T_VERIFIED" | bc -l)" "$(echo "$T_CP / $T_VERIFIED" | bc -l)"
W=$(echo "$T_EXPORT - $T_OPEN" | bc -l)
printf 'start-up (inspect):        %6.3f s  (JVM start, reader, opening the 2 GB file)\n' "$T_OPEN"
printf 'export --no-verify - start-up: %6.3f s  %7.0f MB/s  speed ratio vs cp %.2f\n' "$W" \
  "$(echo "$MB / $W" | bc -l)" "$(echo "$T_CP / $W" | bc -l)"
echo "goal: ratio >= 0.70 (best of $RUNS runs each, page cache warm)"
