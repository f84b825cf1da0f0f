#!/usr/bin/env bash
# Fuzzes one target of CheckpointFuzzTest with Jazzer's standalone driver, which (unlike JAZZER_FUZZ=1 mvn test)
# takes libFuzzer's -runs, so an exact number of executions can be asked for.
#   src/test/fuzz/run_fuzz.sh <target> [runs] [extra libFuzzer flags...]
#   targets: pickleInterpreter zipReader legacyReader tarReader safetensorsReader ggufReader npyReader npzReader
#            pt2Reader dcpMetadata scanner readerAndScannerAgree
# Needs `mvn -o test-compile` first. New corpus entries go to target/fuzz/<target>/corpus, findings (crash-*,
# timeout-*, oom-*) to target/fuzz/<target>/; add each finding, once fixed, to the seed folder
# src/test/resources/org/ckptinspector/fuzz/CheckpointFuzzTestInputs/<target>/ under a name that says what it caught.
set -euo pipefail
cd "$(dirname "$0")/../../.."
target=${1:?target method}
runs=${2:-1000000}
shift $(( $# > 1 ? 2 : 1 ))
work=target/fuzz/$target
mkdir -p "$work/corpus"
cp=target/fuzz/classpath.txt
[ -s "$cp" ] || mvn -B -q -o dependency:build-classpath -Dmdep.outputFile="$cp" -Dmdep.includeScope=test >/dev/null
exec java -Xmx1g -Xss1m -cp "target/test-classes:target/classes:$(cat "$cp")" com.code_intelligence.jazzer.Jazzer \
    --target_class=org.ckptinspector.fuzz.CheckpointFuzzTest --target_method="$target" \
    --instrumentation_includes='org.ckptinspector.**' \
    -runs="$runs" -max_total_time=86400 -max_len=65536 -timeout=20 -rss_limit_mb=3072 -print_final_stats=1 \
    -artifact_prefix="$work/" "$work/corpus" \
    "src/test/resources/org/ckptinspector/fuzz/CheckpointFuzzTestInputs/$target" "$@"
