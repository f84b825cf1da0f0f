#!/usr/bin/env bash
# Time from `java -jar` to the start screen painted (its text on screen, not just an empty window), for two jars
# in interleaved rounds, with medians. The screen is polled every ~20 ms straight from the X server
# (bench/screen_painted.py); also reports when the window is first mapped (the screen's middle turns non-black).
# DUMP=file.ppm keeps the last detected frame's band, to look at.
# Usage: xvfb-run -a -s "-screen 0 1280x800x24 -br" bench/start-painted.sh OLD.jar NEW.jar [ROUNDS] [JAVA_OPTS...]
set -euo pipefail
OLD=$1
NEW=$2
ROUNDS=${3:-5}
shift $(( $# < 3 ? $# : 3 ))
HERE=$(cd "$(dirname "$0")" && pwd)
PY=${PYTHON:-/usr/bin/python3}
declare -A painted mapped
one() {  # jar -> "mapped_ms painted_ms"
  local jar=$1 t0 out pid; shift
  t0=$(date +%s%N)
  java "$@" -jar "$jar" >/dev/null 2>&1 &
  pid=$!
  out=$("$PY" "$HERE/screen_painted.py" ${DUMP:+"$DUMP"}) || { kill "$pid" 2>/dev/null; echo "no paint" >&2; return 1; }
  kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true
  local m p
  m=$(awk '/^mapped/ {print $2}' <<<"$out")
  p=$(awk '/^painted/ {print $2}' <<<"$out")
  echo "$(( (m - t0) / 1000000 )) $(( (p - t0) / 1000000 ))"
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2] + a[NR/2+1]) / 2)}'; }
for i in $(seq "$ROUNDS"); do
  for which in old new; do
    jar=$OLD; [[ $which == new ]] && jar=$NEW
    read -r m p < <(one "$jar" "$@")
    painted[$which]+="$p "; mapped[$which]+="$m "
    echo "round $i $which: window mapped ${m} ms, start screen painted ${p} ms (load $(cut -d' ' -f1 /proc/loadavg))"
  done
done
for which in old new; do
  echo "$which: median mapped $(tr ' ' '\n' <<<"${mapped[$which]}" | grep . | median) ms," \
    "median painted $(tr ' ' '\n' <<<"${painted[$which]}" | grep . | median) ms"
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
