#!/usr/bin/env bash
# Export benchmark (not a test): export about 1 GB of tensors (half the keys of the ~2 GB benchmark checkpoint,
# chosen with --include) and copy the same number of bytes with cp, page cache warm for both, in the same run.
# Goal: export at >= 70% of cp's speed. Each round runs cp, export --no-verify, export (verified) and inspect of
# the same file, one after the other, so that a change in the machine's load hits all of them alike; the best of
# RUNS rounds is kept for each. Removing the previous output is not timed, for cp or for export.
#
# Besides the whole process, the export's own --timings (a hidden diagnostic option) split its time into
# start-up (process launch until the command starts: JVM, picocli), opening the source, planning, writing
# (pickle + copy; in a verified export also comparing each range with the source right after it is written, whose
# time per writing thread --timings reports as "comparing"), verification after writing (re-opening the output,
# checking that the reader finds every tensor where it was compared, comparing whatever was not), and exit.
# "write" is the copy phase to hold against cp, which has no start-up to pay. Verification is reported as the time
# it adds to the in-process export: verified write minus unverified write, plus verification after writing.
#
# BASELINE_JAR=path/to/older.jar adds that jar's exports (java -jar, with --timings) to every round, right after
# this build's, for a before/after comparison under the same load: on a shared machine only such ratios mean much.
#
# CLI=checkpoint-inspector times the installed command line (the .deb's /usr/bin script, which starts with the AOT
# cache the package carries, or the class archive its postinst made) instead of java -jar on the build's jar.
# Without CLI, the installed command (INSTALLED, default checkpoint-inspector when on PATH) is timed too, in the same
# rounds, so that one run prints the ratio to cp of both java -jar and the installed command.
#
# usage: bench/export-bench.sh [RUNS]      (env: JAVA, CLI, INSTALLED, TORCH213_PYTHON, BASELINE_JAR)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
WORK=bench/work
BIG=$WORK/big.pt
JAR=target/checkpoint-inspector.jar
JAVA=${JAVA:-java}
if [ -n "${CLI:-}" ]; then read -ra RUN <<< "$CLI"; else RUN=("$JAVA" -jar "$JAR"); fi
INST=()
if [ -z "${CLI:-}" ] && command -v "${INSTALLED:-checkpoint-inspector}" >/dev/null 2>&1; then
  INST=("${INSTALLED:-checkpoint-inspector}")
fi
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
ERR=$WORK/export-timings.txt
INCLUDE='^layers\.[0-7]\.'   # layers.0-7 of 0-15: 32 of the 64 tensors

now() { date +%s.%N; }
min() { if [ -z "$1" ] || [ "$(echo "$2 < $1" | bc -l)" = 1 ]; then echo "$2"; else echo "$1"; fi; }
field() { sed -n "s/.*$1 \([0-9.]*\) s.*/\1/p" "$ERR"; }  # a phase's seconds from the --timings line

export_cmd() { "${RUN[@]}" export "$BIG" "$OUT" --include "$INCLUDE" --timings "$@" >/dev/null 2>"$ERR"; }
base_cmd() { "$JAVA" -jar "$BASELINE_JAR" export "$BIG" "$OUT" --include "$INCLUDE" --timings "$@" >/dev/null 2>"$ERR"; }

cat "$BIG" >/dev/null                       # warm the page cache with the source
rm -f "$OUT"; export_cmd --no-verify        # and the JVM's files
BYTES=$(stat -c %s "$OUT")
if [ ! -f "$COPY_SRC" ] || [ "$(stat -c %s "$COPY_SRC")" != "$BYTES" ]; then
  head -c "$BYTES" "$BIG" > "$COPY_SRC"      # a file of exactly the exported size, made once
fi
cat "$COPY_SRC" >/dev/null
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

T_CP=""; T_OPEN=""; T_EXPORT=""; T_VERIFIED=""; BEST_WRITE=""; BEST_VERIFY=""; BEST_VWRITE=""; BEST_COMPARING=""
declare -A PHASES   # phases of the fastest run of each kind
declare -A BASE     # the baseline jar's best times, and best write and verify phases
declare -A T_INST   # the installed command's best times
declare -A ALL      # every round's whole-command time of each kind, for the medians
keep() { ALL[$1]="${ALL[$1]:-} $2"; }
median() { tr ' ' '\n' <<< "${ALL[$1]:-}" | sed '/^$/d' | sort -g | awk '{v[NR] = $1} END {if (NR) print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2)}'; }
for _ in $(seq "$RUNS"); do
  rm -f "$COPY_DST"
  t0=$(now); cp --reflink=never "$COPY_SRC" "$COPY_DST"; t1=$(now)
  T_CP=$(min "$T_CP" "$(echo "$t1 - $t0" | bc -l)"); keep cp "$(echo "$t1 - $t0" | bc -l)"

  for kind in no-verify verified; do
    rm -f "$OUT"
    if [ "$kind" = no-verify ]; then set -- --no-verify; else set --; fi
    t0=$(now); export_cmd "$@"; t1=$(now)
    total=$(echo "$t1 - $t0" | bc -l); keep "$kind" "$total"
    started=$(sed -n 's/.*started at \([0-9.]*\) .*/\1/p' "$ERR")
    phases="$(echo "$started - $t0" | bc -l) $(field open) $(field plan) $(field write) $(field verify)"
    phases="$phases $(echo "$t1 - $started - $(field command)" | bc -l)"
    if [ "$kind" = no-verify ]; then
      BEST_WRITE=$(min "$BEST_WRITE" "$(field write)")
      if [ -z "$T_EXPORT" ] || [ "$(echo "$total < $T_EXPORT" | bc -l)" = 1 ]; then PHASES[$kind]=$phases; fi
      T_EXPORT=$(min "$T_EXPORT" "$total")
    else
      if [ -z "$T_VERIFIED" ] || [ "$(echo "$total < $T_VERIFIED" | bc -l)" = 1 ]; then PHASES[$kind]=$phases; fi
      T_VERIFIED=$(min "$T_VERIFIED" "$total")
      BEST_VERIFY=$(min "$BEST_VERIFY" "$(field verify)")
      BEST_VWRITE=$(min "$BEST_VWRITE" "$(field write)")
      BEST_COMPARING=$(min "$BEST_COMPARING" "$(field comparing)")
    fi
  done

  if [ ${#INST[@]} -gt 0 ]; then
    for kind in no-verify verified; do
      rm -f "$OUT"
      if [ "$kind" = no-verify ]; then set -- --no-verify; else set --; fi
      t0=$(now); "${INST[@]}" export "$BIG" "$OUT" --include "$INCLUDE" "$@" >/dev/null; t1=$(now)
      T_INST[$kind]=$(min "${T_INST[$kind]:-}" "$(echo "$t1 - $t0" | bc -l)"); keep "installed $kind" "$(echo "$t1 - $t0" | bc -l)"
    done
  fi

  t0=$(now); "${RUN[@]}" inspect "$BIG" >/dev/null; t1=$(now)
  T_OPEN=$(min "$T_OPEN" "$(echo "$t1 - $t0" | bc -l)")

  if [ -n "${BASELINE_JAR:-}" ]; then
    for kind in no-verify verified; do
      rm -f "$OUT"
      if [ "$kind" = no-verify ]; then set -- --no-verify; else set --; fi
      t0=$(now); base_cmd "$@"; t1=$(now)
      BASE[$kind]=$(min "${BASE[$kind]:-}" "$(echo "$t1 - $t0" | bc -l)"); keep "baseline $kind" "$(echo "$t1 - $t0" | bc -l)"
      if [ "$kind" = no-verify ]; then BASE[write]=$(min "${BASE[write]:-}" "$(field write)"); fi
      if [ "$kind" = verified ]; then
        BASE[verify]=$(min "${BASE[verify]:-}" "$(field verify)")
        BASE[vwrite]=$(min "${BASE[vwrite]:-}" "$(field write)")
      fi
    done
  fi
done
rm -f "$OUT" "$COPY_DST" "$ERR"

MB=$(echo "$BYTES / 1000000" | bc -l)
speed() { echo "$MB / $1" | bc -l; }
gbps() { echo "$BYTES / 1000000000 / $1" | bc -l; }
ratio() { echo "$T_CP / $1" | bc -l; }
echo "command: ${RUN[*]}"
printf 'bytes exported: %d (%.0f MB, 32 of 64 tensors); load average %s before, %s after\n' "$BYTES" "$MB" \
  "$LOAD_BEFORE" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf 'cp --reflink=never:         %6.3f s  %6.0f MB/s\n' "$T_CP" "$(speed "$T_CP")"
printf 'export --no-verify:         %6.3f s  %6.0f MB/s  speed ratio vs cp %.2f\n' "$T_EXPORT" \
  "$(speed "$T_EXPORT")" "$(ratio "$T_EXPORT")"
printf 'export (verified):          %6.3f s  %6.0f MB/s  speed ratio vs cp %.2f\n' "$T_VERIFIED" \
  "$(speed "$T_VERIFIED")" "$(ratio "$T_VERIFIED")"
printf 'inspect (JVM, open, list):  %6.3f s\n' "$T_OPEN"
if [ ${#INST[@]} -gt 0 ]; then
  aot=$(grep -o -- '-XX:AOTCache=[^ ]*' "$(command -v "${INST[0]}")" 2>/dev/null || echo 'no AOT cache')
  for kind in no-verify verified; do
    printf 'installed %-10s        %6.3f s  %6.0f MB/s  speed ratio vs cp %.2f  (%s, %s)\n' "$kind:" \
      "${T_INST[$kind]}" "$(speed "${T_INST[$kind]}")" "$(ratio "${T_INST[$kind]}")" "${INST[0]}" "$aot"
  done
fi
if [ -n "${BASELINE_JAR:-}" ]; then
  for kind in no-verify verified; do
    printf 'baseline %-10s         %6.3f s  %6.0f MB/s  speed ratio vs cp %.2f  (%s)\n' "$kind:" "${BASE[$kind]}" \
      "$(speed "${BASE[$kind]}")" "$(ratio "${BASE[$kind]}")" "$BASELINE_JAR"
  done
fi
for kind in no-verify verified; do
  read -r s o p w v x <<< "${PHASES[$kind]}"
  printf '  fastest %-9s  start-up %.3f  open %.3f  plan %.3f  write %.3f  verify %.3f  exit %.3f  (s)\n' \
    "$kind:" "$s" "$o" "$p" "$w" "$v" "$x"
done
# verification's cost: the verified write's excess over the unverified one, plus the verification after writing
cost() { echo "v = $1 - $2 + $3; if (v < $3) v = $3; v" | bc -l; }
printf 'write phase alone (best):      %6.3f s  %5.2f GB/s  speed ratio vs cp %.2f\n' "$BEST_WRITE" \
  "$(gbps "$BEST_WRITE")" "$(ratio "$BEST_WRITE")"
printf 'write phase, verified (best):  %6.3f s  %5.2f GB/s  (writing while comparing each range as it is written)\n' \
  "$BEST_VWRITE" "$(gbps "$BEST_VWRITE")"
if [ -n "$BEST_COMPARING" ]; then
  printf 'comparing while writing:       %6.3f s  %5.2f GB/s of compared bytes  (time per writing thread, best)\n' \
    "$BEST_COMPARING" "$(gbps "$BEST_COMPARING")"
fi
printf 'verify after writing (best):   %6.3f s  (re-open the output, check where every tensor is, compare the rest)\n' \
  "$BEST_VERIFY"
VCOST=$(cost "$BEST_VWRITE" "$BEST_WRITE" "$BEST_VERIFY")
printf 'verification in all:           %6.3f s  %5.2f GB/s of compared bytes  (verified - unverified write, + after)\n' \
  "$VCOST" "$(gbps "$VCOST")"
if [ -n "${BASELINE_JAR:-}" ]; then
  BCOST=$(cost "${BASE[vwrite]}" "${BASE[write]}" "${BASE[verify]}")
  printf 'baseline write phase (best):   %6.3f s  %5.2f GB/s\n' "${BASE[write]}" "$(gbps "${BASE[write]}")"
  printf 'baseline verification in all:  %6.3f s  %5.2f GB/s  this build verifies %.2fx as fast\n' "$BCOST" \
    "$(gbps "$BCOST")" "$(echo "$BCOST / $VCOST" | bc -l)"
fi
read -r _ _ p w v _ <<< "${PHASES[verified]}"
INPROC=$(echo "$p + $w + $v" | bc -l)
printf 'in-process, verified (plan + write + verify, no JVM start or open, as the desktop app exports): %6.3f s  speed ratio vs cp %.2f\n' \
  "$INPROC" "$(ratio "$INPROC")"
line="medians of $RUNS rounds (whole command, s; ratio to cp's median):"
for k in cp no-verify verified "installed no-verify" "installed verified" "baseline no-verify" "baseline verified"; do
  m=$(median "$k")
  if [ -n "$m" ]; then line="$line  $k $(printf '%.3f' "$m") ($(printf '%.2f' "$(echo "$(median cp) / $m" | bc -l)"))"; fi
done
echo "$line"
echo "goals: verified export >= 0.70x cp installed, >= 0.60x with java -jar; verify >= 4 GB/s (best of $RUNS rounds, page cache warm)"
