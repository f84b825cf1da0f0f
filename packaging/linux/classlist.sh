#!/bin/sh
# Writes the class list of the app: every class that the command line (inspect, stats, scan, export, diff, help)
# and, where xvfb-run exists, the desktop app's start with a file load, in the order they load, as the JVM's
# -XX:DumpLoadedClassList writes it. The package ships the list; its postinst turns it into a class-data sharing
# archive of the installed jar, which the command line and the desktop launcher use, so those classes are mapped
# ready-made instead of being read, parsed and verified at every start (~65 ms of a ~0.27 s inspect, ~0.3 s of
# the window's ~1.1 s). The archive cannot be made here: it is only valid for the jar at the path it was made
# from. Run by packaging/installers.xml.
#
# usage: classlist.sh JAVA JAR SAMPLE_CHECKPOINT OUT
set -eu
java=$1 jar=$2 sample=$3 out=$4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The runs below must not touch the preferences (Open Recent) of whoever builds the package.
isolated="-Duser.home=$work -Djava.util.prefs.userRoot=$work/prefs"

n=0
run() {  # one command, its class list to its own file; exit codes 0 and 1 (differences found) are normal
  n=$((n + 1))
  status=0
  "$java" -Xshare:off -XX:DumpLoadedClassList="$work/$n.classlist" $isolated -cp "$jar" org.ckptinspector.Main \
    "$@" >/dev/null 2>"$work/err" || status=$?
  if [ "$status" -gt 1 ]; then
    echo "classlist: '$*' failed with exit code $status: $(cat "$work/err")" >&2
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
# The desktop app: started with the sample and stopped (as by closing it) once it has long shown the file.
if command -v xvfb-run >/dev/null 2>&1; then
  status=0
  xvfb-run -a timeout -s INT 12 "$java" -Xshare:off -XX:DumpLoadedClassList="$work/gui.classlist" $isolated \
    -cp "$jar" org.ckptinspector.Main "$sample" >"$work/err" 2>&1 || status=$?
  if [ "$status" != 0 ] && [ "$status" != 124 ] && [ "$status" != 130 ]; then
    echo "classlist: the desktop app failed with exit code $status: $(cat "$work/err")" >&2
    exit 1
  fi
  grep -q '^org/ckptinspector/gui/' "$work/gui.classlist" \
    || { echo "classlist: the desktop app did not start: $(cat "$work/err")" >&2; exit 1; }
else
  echo "classlist: no xvfb-run, so the archive will hold the command line's classes only" >&2
fi
# Classes in the order they were first loaded by any run; a class listed twice would only be skipped. JDK 25 numbers
# the classes of each list ("NAME id: N"), and the numbers of different runs clash ("Duplicated ID" makes the dump
# fail): a class named without a number is as good for an archive of classes from the class path.
sed -E 's/^([^@# ]+) id: [0-9]+$/\1/' "$work"/*.classlist | awk '!seen[$0]++' > "$out"
