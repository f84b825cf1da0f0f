#!/usr/bin/env bash
# Trajectory benchmark (not a test): a run of 10 checkpoints of ~200 MB float32 each, read by
#   java -Xmx256m ... trajectory DIR --json
# and by torch computing the same per-step figures (mmap=True loads; norms, differences to the previous and the
# first step, cosine to the last, changed fraction, max |Δ|). Prints GB/s over the bytes of all files (goal:
# >= 1 GB/s), the ratio to torch (in float32, and in float64 as we compute), the peak RSS of the JVM and the
# machine's load (timings on a shared machine vary with it; compare CPU seconds per GB and the ratio to torch of
# the same run there). The files are read once before timing, so both
# tools run with them in the page cache.
# Env: TORCH213_PYTHON (default /opt/torch213/bin/python), BENCH_STEPS (10), BENCH_MB (200 per checkpoint).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${TORCH213_PYTHON:-/opt/torch213/bin/python}
STEPS=${BENCH_STEPS:-10}
MB=${BENCH_MB:-200}
WORK=bench/work
RUN=$WORK/run_${STEPS}x${MB}
mkdir -p "$WORK"
[ -d "$RUN" ] || "$PY" bench/make_run.py "$RUN" --steps "$STEPS" --mb "$MB"
mvn -B -q -o compile
rm -rf "$WORK/classes" && cp -r target/classes "$WORK/classes"   # a build meanwhile cannot pull them away
[ -f "$WORK/classpath" ] || mvn -B -q -o dependency:build-classpath -Dmdep.outputFile="$WORK/classpath" > /dev/null
FILES=$(ls "$RUN"/*.pt | sort -V)
cat $FILES > /dev/null
BYTES=$(cat $FILES | wc -c)

start=$(date +%s.%N)
set +e
/usr/bin/time -f "%M %U %S" -o "$WORK/trajectory.rss" java -Xmx256m -cp "$WORK/classes:$(cat "$WORK/classpath")" \
  org.ckptinspector.Main trajectory "$RUN" --json > "$WORK/trajectory.json" 2> "$WORK/trajectory.err"
code=$?
set -e
end=$(date +%s.%N)
if [ "$code" -ne 0 ]; then
  echo "trajectory exited $code"; cat "$WORK/trajectory.err"; exit 1
fi
java_s=$(echo "$end - $start" | bc -l)
read -r rss_kb user_s sys_s < <(tail -1 "$WORK/trajectory.rss")
torch_line=$("$PY" bench/trajectory_torch_baseline.py "$WORK/trajectory.json" $FILES)
t32=$(echo "$torch_line" | sed -E 's/.*torch_float32_seconds=([0-9.]+).*/\1/')
t64=$(echo "$torch_line" | sed -E 's/.*torch_float64_seconds=([0-9.]+).*/\1/')

echo "files:       $STEPS checkpoints, $(echo "scale=2; $BYTES / 1000000000" | bc -l) GB in all"
echo "ours:        ${java_s}s wall (JVM start and file parsing included), heap capped at 256 MiB"
echo "             CPU ${user_s}s user + ${sys_s}s system over all threads"
echo "             peak RSS $(( rss_kb / 1024 )) MiB (float32 steps are read with positional reads, not mapped)"
echo "throughput:  $(echo "scale=2; $BYTES / $java_s / 1000000000" | bc -l) GB/s (goal >= 1)"
echo "cpu per GB:  $(echo "scale=2; ($user_s + $sys_s) * 1000000000 / $BYTES" | bc -l) s (user + system; less sensitive to the load than wall time)"
echo "torch:       $torch_line"
echo "ratio:       $(echo "scale=2; $t32 / $java_s" | bc -l)x vs torch in float32, $(echo "scale=2; $t64 / $java_s" | bc -l)x vs torch in float64 (torch seconds / our seconds; torch's import excluded)"
echo "load:        $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min) on $(nproc) cores"
