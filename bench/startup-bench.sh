#!/usr/bin/env bash
# Start-up benchmark (not a test): whole processes, page cache warm, every command once per round, rounds
# interleaved so that the machine's load hits all alike; best and median of RUNS rounds. Commands:
#   --version; inspect --json of the ~2 GB .pt; inspect --json of the ~2 GB .safetensors (its header only)
# each through
#   jar        java -jar target/checkpoint-inspector.jar (JAVA, default: java on PATH)
#   cds17      JAVA with a dynamic class-data archive of the same jar (-XX:ArchiveClassesAtExit, one training run
#              of inspect .pt): close to what the installed command's postinst archive does
#   aot25      JDK 25's java with an AOT cache (-XX:AOTCache) of the same jar, made here by one training run of
#              each command (JAVA25, default /usr/lib/jvm/temurin-25-jdk-amd64/bin/java; skipped when absent)
#   image      what the installed command runs, from the package build's app image (mvn -Ppackage package): the
#              installed script (packaging/linux/command.sh) filled in for the image's lib folder, which runs its
#              jlinked runtime with the AOT cache it ships (lib/app/*.aot; skipped when not built)
#   installed  the installed command (CLI, default checkpoint-inspector; skipped when not on PATH); the line
#              under the table says whether its /usr/bin script starts with the AOT cache
#   baseline   java -jar BASELINE_JAR, when given (an older build, for before/after under the same load)
#   image-baseline  BASELINE_IMAGE's jlinked runtime and AOT cache, when given: the lib/ folder of an older package
#              build's app image (target/jpackage/checkpoint-inspector/lib of another clone), run as `image` is
# against Python (PYTHON, default /opt/torch213/bin/python) doing the same job:
#   safetensors  safe_open(framework="np") and the shape of every tensor
#   torch        torch.load(mmap=True, weights_only=True) and the shape of every tensor
#
# Each process's CPU time (user + sys) is reported too: on a shared machine it varies far less than wall time.
#
# usage: bench/startup-bench.sh [RUNS]      (env: JAVA, JAVA25, CLI, PYTHON, BASELINE_JAR, BASELINE_IMAGE)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
WORK=bench/work
PT=$WORK/big.pt
ST=$WORK/big.safetensors
JAR=target/checkpoint-inspector.jar
JAVA=${JAVA:-java}
JAVA25=${JAVA25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
PYTHON=${PYTHON:-${TORCH213_PYTHON:-/opt/torch213/bin/python}}
CLI=${CLI:-checkpoint-inspector}
AOT=$WORK/cli-jdk25.aot
JSA=$WORK/cli-jdk17.jsa
mkdir -p "$WORK"

[ -f "$JAR" ] || mvn -B -q -o package -DskipTests
[ -f "$PT" ] || "$PYTHON" bench/make_big_checkpoint.py "$PT"
[ -f "$ST" ] || "$JAVA" -jar "$JAR" export "$PT" "$ST" --format safetensors >/dev/null

declare -A RUNNERS
RUNNERS[jar]="$JAVA -jar $JAR"
rm -f "$JSA"
"$JAVA" -XX:ArchiveClassesAtExit="$JSA" -Xlog:cds=off -jar "$JAR" inspect "$PT" --json >/dev/null 2>&1 || true
if [ -f "$JSA" ]; then RUNNERS[cds17]="$JAVA -XX:SharedArchiveFile=$JSA -Xlog:cds=off -jar $JAR"; fi
if [ -x "$JAVA25" ]; then
  # One training run that does what the benchmark does; the cache is valid only for this jar and this JDK.
  rm -f "$AOT"
  "$JAVA25" -XX:AOTCacheOutput="$AOT" -Xlog:aot=off -Xlog:cds=off -jar "$JAR" inspect "$PT" --json >/dev/null 2>&1 || true
  if [ -f "$AOT" ]; then RUNNERS[aot25]="$JAVA25 -XX:AOTCache=$AOT -Xlog:aot=off -Xlog:cds=off -jar $JAR"; fi
fi
image_runner() {  # lib folder of an app image -> the installed script, filled in for that folder
  local script
  script=$WORK/command-$(echo "$1" | md5sum | cut -c1-8).sh
  sed -e "s|@LIB@|$(cd "$1" && pwd)|" -e "s|@LAUNCHER@|false|" packaging/linux/command.sh > "$script"
  echo "sh $script"
}
IMAGE=target/jpackage/checkpoint-inspector/lib
if [ -s "$IMAGE/app/cli.aot" ]; then RUNNERS[image]=$(image_runner "$IMAGE"); fi
if [ -n "${BASELINE_IMAGE:-}" ] && [ -s "$BASELINE_IMAGE/app/cli.aot" ]; then
  RUNNERS[image-baseline]=$(image_runner "$BASELINE_IMAGE")
fi
if command -v "$CLI" >/dev/null 2>&1; then RUNNERS[installed]="$CLI"; fi
if [ -n "${BASELINE_JAR:-}" ]; then RUNNERS[baseline]="$JAVA -jar $BASELINE_JAR"; fi
ORDER=()
for r in baseline jar cds17 aot25 image-baseline image installed; do [ -n "${RUNNERS[$r]:-}" ] && ORDER+=("$r"); done

PY_ST="from safetensors import safe_open
f = safe_open('$ST', framework='np')
print({k: f.get_slice(k).get_shape() for k in f.keys()})"
PY_PT="import torch
sd = torch.load('$PT', mmap=True, weights_only=True)
print({k: list(v.shape) for k, v in sd.items()})"

now() { date +%s.%N; }
declare -A TIMES   # "name" -> space-separated wall seconds
declare -A CPU     # "name" -> space-separated CPU seconds (user + sys)
TIMEFORMAT='%R %U %S'
timed() {  # name command...
  local name=$1; shift
  local r u s
  read -r r u s < <({ time "$@" >/dev/null 2>&1; } 2>&1)
  TIMES[$name]="${TIMES[$name]:-} $r"
  CPU[$name]="${CPU[$name]:-} $(echo "$u + $s" | bc -l)"
}
one_round() {
  for r in "${ORDER[@]}"; do
    read -ra cmd <<< "${RUNNERS[$r]}"
    timed "$r version" "${cmd[@]}" --version
    timed "$r pt" "${cmd[@]}" inspect "$PT" --json
    timed "$r st" "${cmd[@]}" inspect "$ST" --json
  done
  timed "python st" "$PYTHON" -c "$PY_ST"
  timed "python pt" "$PYTHON" -c "$PY_PT"
}

cat "$PT" "$ST" >/dev/null
one_round; TIMES=(); CPU=()   # warm-up round, not counted
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
for _ in $(seq "$RUNS"); do one_round; done

stat_of() {  # name -> "best median best-cpu"
  { printf '%s\n' ${TIMES[$1]} | sort -g | awk '{a[NR]=$1} END {printf "%.3f %.3f ", a[1], a[int((NR+1)/2)]}'
    printf '%s\n' ${CPU[$1]} | sort -g | awk 'NR == 1 {printf "%.3f", $1}'; }
}
echo "best / median of $RUNS interleaved rounds, whole processes, page cache warm"
echo "load average $LOAD_BEFORE before, $(cut -d' ' -f1-3 /proc/loadavg) after; $(nproc) cores"
for r in "${ORDER[@]}"; do echo "  $r: ${RUNNERS[$r]}"; done
if [ -n "${RUNNERS[installed]:-}" ]; then
  echo "  installed runs: $(grep -o 'exec .*java[^ ]* [^ ]*' "$(command -v "$CLI")" 2>/dev/null | head -1 \
    || echo "$CLI (not a script)")"
fi
read -r py_st _ py_st_cpu <<< "$(stat_of 'python st')"
read -r py_pt _ py_pt_cpu <<< "$(stat_of 'python pt')"
printf '%-30s %7s %7s %7s\n' "" best median 'cpu(s)'
printf '%-30s %7s %7s %7s\n' "python safetensors safe_open" $(stat_of 'python st')
printf '%-30s %7s %7s %7s\n' "python torch.load(mmap=True)" $(stat_of 'python pt')
for r in "${ORDER[@]}"; do
  printf '%-30s %7s %7s %7s\n' "$r --version" $(stat_of "$r version")
  read -r b m c <<< "$(stat_of "$r st")"
  printf '%-30s %7s %7s %7s   safe_open / this: %.2f wall, %.2f cpu\n' "$r inspect .safetensors" "$b" "$m" "$c" \
    "$(echo "$py_st / $b" | bc -l)" "$(echo "$py_st_cpu / $c" | bc -l)"
  read -r b m c <<< "$(stat_of "$r pt")"
  printf '%-30s %7s %7s %7s   torch.load / this: %.2f wall, %.2f cpu\n' "$r inspect .pt" "$b" "$m" "$c" \
    "$(echo "$py_pt / $b" | bc -l)" "$(echo "$py_pt_cpu / $c" | bc -l)"
done
echo "goals: installed inspect .safetensors >= 1x safe_open (1.5x aimed), .pt >= 8x torch.load; jar .safetensors <= 0.25 s"
# The issue's criteria on medians too (the ratios above are of best times).
median() { stat_of "$1" | cut -d' ' -f2; }
verdict() { if [ "$(echo "$1" | bc -l)" = 1 ]; then echo met; else echo "NOT met"; fi; }
for r in installed image image-baseline; do
  [ -n "${RUNNERS[$r]:-}" ] || continue
  st=$(echo "$(median 'python st') / $(median "$r st")" | bc -l)
  pt=$(echo "$(median 'python pt') / $(median "$r pt")" | bc -l)
  printf '%-9s median ratios: safe_open / inspect .safetensors %.2f (>= 1: %s, >= 1.5: %s); torch.load / inspect .pt %.2f (>= 8: %s)\n' \
    "$r" "$st" "$(verdict "$st >= 1")" "$(verdict "$st >= 1.5")" "$pt" "$(verdict "$pt >= 8")"
done
m=$(median 'jar st')
printf 'jar inspect .safetensors median %.3f s (<= 0.25 s: %s)\n' "$m" "$(verdict "$m <= 0.25")"
