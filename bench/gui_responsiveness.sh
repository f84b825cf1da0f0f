#!/usr/bin/env bash
# GUI responsiveness on the ~2 GB benchmark checkpoint: time until the tree shows, and the longest FX-thread
# stall while opening, computing statistics, diffing and exporting, each stall taken apart into the FX thread's
# own work and the machine's share (waiting for a CPU, GC). Goals: tree shown < 1 s, no stall > 100 ms.
# Needs xvfb-run (Debian: xvfb) and the jar.
#
# usage: bench/gui_responsiveness.sh
#   RUNS=3                    runs it 3 times and prints the median of each phase
#   BASELINE_JAR=old.jar      runs an older build before each run, under the same load, and prints after/before
#   JAVA_OPTS=-Dprofile       adds where the FX thread was during late frames (-Dprofile=DIR also keeps the
#                             stack samples of each phase in DIR)
#   BASELINE_JAVA_OPTS=…      JVM options of the "before" runs (default: JAVA_OPTS); without BASELINE_JAR the
#                             before runs use the same jar, which compares JVM options, e.g.
#                             BASELINE_JAVA_OPTS= JAVA_OPTS=-XX:ThreadPriorityPolicy=1
# Run it as an ordinary user when comparing thread priorities: for root, -XX:ThreadPriorityPolicy=1 also raises
# the JVM's own threads (JIT compilers, GC) above the window's, which an ordinary user's JVM cannot do.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${TORCH213_PYTHON:-/opt/torch213/bin/python}
RUNS=${RUNS:-1}
mkdir -p bench/work
[ -f bench/work/big.pt ] || "$PY" bench/make_big_checkpoint.py bench/work/big.pt
[ -f bench/work/big_perturbed.pt ] || "$PY" bench/make_big_checkpoint.py bench/work/big_perturbed.pt --perturb
[ -f target/checkpoint-inspector.jar ] || mvn -B -q -o package -DskipTests
results=$(mktemp)
trap 'rm -f "$results"' EXIT

# One run of the benchmark on jar $2 with JVM options $3, labelled $1; its result lines go to $results.
run() {
    echo "== $1, run $run of $RUNS; $(nproc) CPUs; load average before: $(cut -d' ' -f1-3 /proc/loadavg);" \
        "JVM options: ${3:-none}"
    # Drop nothing from the page cache: the numbers are for a file the OS has seen (the usual second open).
    # shellcheck disable=SC2086
    xvfb-run -a -s "-screen 0 1600x1000x24" java -Xmx2g $3 -cp "$2" \
        bench/GuiResponsiveness.java bench/work/big.pt bench/work/big_perturbed.pt 2>&1 \
        | grep -v -e 'Unsupported JavaFX configuration' -e 'PlatformImpl startup' -e 'XSetErrorHandler' -e '^$' \
        | while IFS= read -r line; do
            if [[ $line == '#result|'* ]]; then echo "$1|$line" >> "$results"; else echo "$line"; fi
        done
}

for run in $(seq "$RUNS"); do
    if [ -n "${BASELINE_JAR:-}" ] || [ -n "${BASELINE_JAVA_OPTS+set}" ]; then
        run before "${BASELINE_JAR:-target/checkpoint-inspector.jar}" "${BASELINE_JAVA_OPTS-${JAVA_OPTS:-}}"
    fi
    run after target/checkpoint-inspector.jar "${JAVA_OPTS:-}"
done

# Medians per phase over the runs; a phase that occurs twice in a run (the idle window) counts twice.
awk -F'|' '
    { key = $1 "|" $3; c = ++n[key]
      if (!($3 in order)) { order[$3] = ++phases; names[phases] = $3 }
      t[key, c] = $4; s[key, c] = $5; r[key, c] = $6; l[key, c] = $8 }
    function median(a, key, cnt,   i, j, v, x) {
        for (i = 1; i <= cnt; i++) x[i] = a[key, i] + 0
        for (i = 1; i <= cnt; i++) for (j = i + 1; j <= cnt; j++) if (x[j] < x[i]) { v = x[i]; x[i] = x[j]; x[j] = v }
        return cnt % 2 ? x[(cnt + 1) / 2] : (x[cnt / 2] + x[cnt / 2 + 1]) / 2
    }
    END {
        printf "\nmedians over the runs                                             time    stall   FX ran    load\n"
        for (i = 1; i <= phases; i++) {
            p = names[i]
            for (k = 1; k <= 2; k++) {
                label = k == 1 ? "before" : "after"
                key = label "|" p
                if (!(key in n)) continue
                mt[label] = median(t, key, n[key]); ms[label] = median(s, key, n[key])
                printf "%-6s %-55s %5.0f ms %5.0f ms %5.0f ms %6.2f\n", label, p, mt[label], ms[label],
                    median(r, key, n[key]), median(l, key, n[key])
            }
            if (("before|" p) in n && ("after|" p) in n && mt["before"] > 0 && ms["before"] > 0)
                printf "       after/before: time %.2f, longest stall %.2f\n", mt["after"] / mt["before"],
                    ms["after"] / ms["before"]
        }
    }' "$results"
