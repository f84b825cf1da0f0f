#!/usr/bin/env bash
# Time from `java -jar` to the main window mapped on the X display (polled with xwininfo every 10 ms), against
# `java -jar … --version` (the JVM's own start-up) in the same rounds, so that a loaded machine shows as both
# growing. Usage: xvfb-run -s "-screen 0 1280x800x24" bench/window-shown.sh [JAR] [ROUNDS]
set -euo pipefail
JAR=${1:-target/checkpoint-inspector.jar}
ROUNDS=${2:-5}
now() { date +%s%N; }
for i in $(seq "$ROUNDS"); do
  t0=$(now); java -jar "$JAR" --version >/dev/null; t1=$(now)
  version_ms=$(( (t1 - t0) / 1000000 ))
  t0=$(now)
  java -jar "$JAR" >/dev/null 2>&1 &
  pid=$!
  until xwininfo -root -tree 2>/dev/null | grep -q '"Checkpoint Inspector"'; do
    sleep 0.01
    if ! kill -0 "$pid" 2>/dev/null; then echo "app exited" >&2; exit 1; fi
  done
  t1=$(now)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "round $i: --version ${version_ms} ms, window shown $(( (t1 - t0) / 1000000 )) ms"
done
