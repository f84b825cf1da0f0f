#!/usr/bin/env bash
# Diff benchmark (not a test): two ~2 GB checkpoints that differ in every 97th element, compared by
#   java -Xmx256m -jar target/checkpoint-inspector.jar diff A B --json
# and by torch doing the same comparisons (mmap=True loads, torch.equal, max/mean |Δ|, rel L2, cosine per tensor).
# Prints GB/s over the bytes of both files (goal: >= 1 GB/s), the ratio to torch (in float32, and in float64 as
# our diff computes), the peak RSS of the JVM and the machine's load (timings on a shared machine vary with it).
# Both files are read once before timing, so both tools run with them in the page cache.
# Env: TORCH213_PYTHON (default /opt/torch213/bin/python), BENCH_GB (default 2.0).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${TORCH213_PYTHON:-/opt/torch213/bin/python}
GB=${BENCH_GB:-2.0}
WORK=bench/work
A=$WORK/big.pt
B=$WORK/big_perturbed.pt
mkdir -p "$WORK"
[ -f "$A" ] || "$PY" bench/make_big_checkpoint.py "$A" --gb "$GB"
[ -f "$B" ] || "$PY" bench/make_big_checkpoint.py "$B" --gb "$GB" --perturb
[ -f target/checkpoint-inspector.jar ] || mvn -B -q -o package -DskipTests
cat "$A" "$B" > /dev/null
BYTES=$(( $(stat -L -c %s "$A") + $(stat -L -c %s "$B") ))

start=$(date +%s.%N)
set +e
/usr/bin/time -f "%M %U %S" -o "$WORK/diff.rss" java -Xmx256m -jar target/checkpoint-inspector.jar diff "$A" "$B" --json \
  > "$WORK/diff.json" 2> "$WORK/diff.err"
code=$?
set -e
end=$(date +%s.%N)
if [ "$code" -ne 1 ]; then
  echo "diff exited $code (expected 1: the files differ)"; cat "$WORK/diff.err"; exit 1
fi
java_s=$(echo "$end - $start" | bc -l)
read -r rss_kb user_s sys_s < <(tail -1 "$WORK/diff.rss")
torch_line=$("$PY" bench/diff_torch_baseline.py "$A" "$B" "$WORK/diff.json")
t32=$(echo "$torch_line" | sed -E 's/.*torch_float32_seconds=([0-9.]+).*/\1/')
t64=$(echo "$torch_line" | sed -E 's/.*torch_float64_seconds=([0-9.]+).*/\1/')

echo "files:       $(echo "scale=2; $BYTES / 1000000000" | bc -l) GB in both"
echo "ours:        ${java_s}s wall (JVM start and file parsing included), heap capped at 256 MiB"
echo "             CPU ${user_s}s user + ${sys_s}s system over all threads (on a shared machine the wall time also"
echo "             holds the time other processes had the cores)"
echo "             peak RSS $(( rss_kb / 1024 )) MiB: mostly the mapped file pages, i.e. the page cache"
echo "throughput:  $(echo "scale=2; $BYTES / $java_s / 1000000000" | bc -l) GB/s (goal >= 1)"
echo "torch:       $torch_line"
echo "ratio:       $(echo "scale=2; $t32 / $java_s" | bc -l)x vs torch in float32, $(echo "scale=2; $t64 / $java_s" | bc -l)x vs torch in float64 (torch seconds / our seconds; torch's import excluded)"
echo "load:        $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min) on $(nproc) cores"
