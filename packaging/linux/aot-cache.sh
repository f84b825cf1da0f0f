#!/bin/sh
# Writes the command line's ahead-of-time caches (JDK 25+, JEP 483/514): a training process runs the commands a
# user runs (org.ckptinspector.cli.StartupTraining) on the sample checkpoint, and the JVM stores the classes they
# load, already parsed, verified and linked, with their lambdas. Two caches, as the JVM loads every class of a
# cache at start: cli.aot from every command (--version, inspect, stats, scan, export, diff, trajectory, help), and
# inspect.aot from --version and inspect alone, the commands scripts run most, which then start sooner. The
# installed command (/usr/bin script packaging/linux/command.sh) picks one by its command word.
# The caches are valid for this runtime and a jar of this name at any path, so they are made here, offline, and
# shipped. Run by packaging/installers.xml.
#
# usage: aot-cache.sh JAVA JAR SAMPLE_CHECKPOINT OUT_DIR
set -eu
java=$1 jar=$2 sample=$3 dir=$4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

train() {  # cache [inspect]
  out=$1; shift
  rm -f "$out"
  # The training must not touch the preferences of whoever builds the package; the JVM's own messages go to a
  # log. It reflects as org.ckptinspector.Main makes the installed command reflect (native accessors).
  # No method profiles (JEP 515): replayed, the training's hot methods (hashing, statistics, export) are compiled
  # early in every command, and an inspect waited for those compilations on two cores.
  if ! "$java" -XX:AOTCacheOutput="$out" -XX:+UnlockDiagnosticVMOptions -XX:-AOTRecordTraining \
      -Duser.home="$work" -Djava.util.prefs.userRoot="$work/prefs" -Djdk.reflect.useNativeAccessorOnly=true \
      -cp "$jar" org.ckptinspector.cli.StartupTraining "$sample" "$work/out" "$@" >"$work/log" 2>&1 \
      || [ ! -s "$out" ]; then
    echo "aot-cache: the training run for $out failed: $(cat "$work/log")" >&2
    exit 1
  fi
  # The cache must be usable as the installed command uses it (AOTMode=on fails instead of falling back).
  "$java" -XX:AOTCache="$out" -XX:AOTMode=on -Xlog:all=off -Xlog:all=warning:stderr -cp "$jar" \
    org.ckptinspector.Main --version >/dev/null
  echo "aot-cache: $(basename "$out") $(( $(stat -c %s "$out") >> 20 )) MiB"
}

train "$dir/cli.aot"
train "$dir/inspect.aot" inspect   # inspects the files the first training exported into $work/out
