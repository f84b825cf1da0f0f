#!/bin/sh
# Writes the class list of the command line: every class that inspect, stats, diff, scan and export load, in the
# order they load, as the JVM's -XX:DumpLoadedClassList writes it. The package ships the list; its postinst turns
# it into a class-data sharing archive of the installed jar, which /usr/bin/checkpoint-inspector then uses, so
# those classes are mapped ready-made instead of being read, parsed and verified at every call (~65 ms of a
# ~0.27 s inspect). The archive cannot be made here: it is only valid for the jar at the path it was made from.
# Run by packaging/installers.xml.
#
# usage: cli-classlist.sh JAVA JAR SAMPLE_CHECKPOINT OUT
set -eu
java=$1 jar=$2 sample=$3 out=$4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

n=0
run() {  # one command, its class list to its own file; exit codes 0 and 1 (differences found) are normal
  n=$((n + 1))
  status=0
  "$java" -Xshare:off -XX:DumpLoadedClassList="$work/$n.classlist" -cp "$jar" org.ckptinspector.Main "$@" \
    >/dev/null 2>"$work/err" || status=$?
  if [ "$status" -gt 1 ]; then
    echo "cli-classlist: '$*' failed with exit code $status: $(cat "$work/err")" >&2
    exit 1
  fi
}
run inspect "$sample"
run inspect "$sample" --json --hash
run stats "$sample" --json
run scan "$sample" --json
run export "$sample" "$work/part.pth" --root state_dict --include 'h\.0\.'
run export "$sample" "$work/part.safetensors" --root state_dict --dtype bfloat16
run inspect "$work/part.safetensors" --json
run diff "$sample" "$work/part.pth"
run export --help
# Classes in the order they were first loaded by any command; a class listed twice would only be skipped.
awk '!seen[$0]++' "$work"/*.classlist > "$out"
