#!/usr/bin/env bash
# Installer test (Debian/Ubuntu, as root): builds the .deb with the package profile, installs it with dpkg, runs
# the installed launcher as the command line on two fixtures and checks its JSON (keys, dtypes, shapes, SHA-256)
# against the manifest real torch wrote,
# checks the desktop entry and file associations, starts the GUI under Xvfb when xvfb-run exists, then removes
# the package and checks that nothing is left behind. Prints the package sizes and how long each step took.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGE=checkpoint-inspector
FIXTURES=src/test/resources/fixtures/torch-2.13
FIXTURE=safetensors/simple_model.safetensors
FIXTURE_FILES=("$FIXTURE" simple_adam.pt)
DESKTOP=/usr/share/applications/$PACKAGE-$PACKAGE.desktop
MIME_XML=/usr/share/mime/packages/$PACKAGE-$PACKAGE-MimeInfo.xml

fail() { echo "FAIL: $*" >&2; exit 1; }
step() { printf '%-44s %4ds\n' "$1" $(( $(date +%s) - $2 )); }
[ "$(id -u)" = 0 ] || { echo "error: run as root (the test installs a package with dpkg)" >&2; exit 2; }

t=$(date +%s); t_all=$t
mvn -B -q -Ppackage package -DskipTests
step "build (shaded jar, jlink, app image, .deb)" "$t"
debs=(target/jpackage/"$PACKAGE"_*.deb)
[ ${#debs[@]} = 1 ] && [ -f "${debs[0]}" ] || fail "expected one .deb in target/jpackage"
deb=${debs[0]}
printf 'app image %s MiB, .deb %s MiB\n' "$(( $(du -sb "target/jpackage/$PACKAGE" | cut -f1) >> 20 ))" \
  "$(( $(stat -c %s "$deb") >> 20 ))"

# dpkg -i does not fetch dependencies; on a headless machine xdg-utils (for the menu entry) is usually missing.
t=$(date +%s)
missing=()
IFS=',' read -ra deps <<< "$(dpkg-deb -f "$deb" Depends)"
for dep in "${deps[@]}"; do
  found=
  IFS='|' read -ra alternatives <<< "$dep"
  for alt in "${alternatives[@]}"; do
    alt=$(echo "$alt" | awk '{print $1}')
    if dpkg-query -W -f='${Status}' "$alt" 2>/dev/null | grep -q 'install ok installed'; then found=yes; fi
  done
  [ -n "$found" ] || missing+=("$(echo "${alternatives[0]}" | awk '{print $1}')")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing dependencies: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1 \
    || { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }
fi

# Whatever happens from here on, leave no package and no directory of ours behind.
created_dirs=()
work=$(mktemp -d)
trap 'dpkg -P "$PACKAGE" >/dev/null 2>&1 || true; rm -rf "$work" "${created_dirs[@]}"' EXIT
dpkg -i "$deb" >/dev/null
step "dpkg -i" "$t"

t=$(date +%s)
[ "$(command -v "$PACKAGE")" = /usr/bin/$PACKAGE ] || fail "$PACKAGE is not on PATH as /usr/bin/$PACKAGE"
grep -q "^# Command line of Checkpoint Inspector" "/usr/bin/$PACKAGE" \
  || fail "/usr/bin/$PACKAGE is not the command-line script postinst writes"
# The desktop launcher (what the menu entry and file associations run) answers the same as the command line.
"/opt/$PACKAGE/bin/$PACKAGE" inspect "$FIXTURES/${FIXTURE_FILES[0]}" --json > "$work/launcher.json" \
  || fail "the desktop launcher as a command line exited with $?"
"$PACKAGE" inspect "$FIXTURES/${FIXTURE_FILES[0]}" --json | cmp -s - "$work/launcher.json" \
  || fail "the desktop launcher and /usr/bin/$PACKAGE answer differently"

# postinst made the app's class archive; the command line and the desktop launcher load our classes (picocli's
# too) from it. archived CMD... fails unless CMD loads every class named in $classes from the archive.
archive=/opt/$PACKAGE/lib/app/app.jsa
[ -s "$archive" ] || fail "postinst made no class archive at $archive"
archived() {
  rm -f "$work/classes.txt"
  JAVA_TOOL_OPTIONS="-Xlog:class+load=info:file=$work/classes.txt" "$@" >/dev/null 2>&1 || true
  for class in $classes; do
    grep -q "\] $class source: shared objects file" "$work/classes.txt" || fail "$1 loads $class from" \
      "$(grep "\] $class source" "$work/classes.txt" | sed 's/.*source: //'), not the class archive"
  done
}
classes="org.ckptinspector.Main org.ckptinspector.cli.InspectCommand picocli.CommandLine"
archived "$PACKAGE" inspect "$FIXTURES/$FIXTURE"
archived "/opt/$PACKAGE/bin/$PACKAGE" inspect "$FIXTURES/$FIXTURE"
best=
for _ in 1 2 3 4 5; do
  s=$(date +%s%N); "$PACKAGE" inspect "$FIXTURES/$FIXTURE" >/dev/null; e=$(date +%s%N)
  ms=$(( (e - s) / 1000000 )); [ -n "$best" ] && [ "$best" -le "$ms" ] || best=$ms
done
echo "class archive: $(( $(stat -c %s "$archive") >> 20 )) MiB; inspect of a small file takes ${best} ms (best of 5)"
# A runtime of JDK 25+ comes with the command line's ahead-of-time caches (made at build time): inspect starts with
# its own, the other commands with cli.aot (the classes above then come from them), and nothing may be said about
# them on stderr.
app=/opt/$PACKAGE/lib/app
if [ -s "$app/cli.aot" ]; then
  for run in "inspect:inspect.aot" "stats:cli.aot"; do
    word=${run%%:*} aot=$app/${run#*:}
    started=$(sh -x "/usr/bin/$PACKAGE" "$word" "$FIXTURES/$FIXTURE" 2>&1 >/dev/null | grep '^+ exec ' || true)
    case "$started" in *" -XX:AOTCache=$aot "*) ;; *) fail "$PACKAGE $word does not start with the AOT cache $aot: $started" ;; esac
    "$PACKAGE" "$word" "$FIXTURES/$FIXTURE" 2>&1 >/dev/null | { ! grep .; } || fail "the AOT cache $aot was refused (above)"
    /opt/$PACKAGE/lib/runtime/bin/java -XX:AOTCache="$aot" -XX:AOTMode=on -cp "$app/$PACKAGE.jar" \
      org.ckptinspector.Main --version >/dev/null || fail "the AOT cache $aot is not usable where it is installed"
    echo "AOT cache: $(basename "$aot") $(( $(stat -c %s "$aot") >> 20 )) MiB, used by $PACKAGE $word"
  done
fi

# The CLI through the installed launcher: arguments pass through, JSON on stdout, nothing on stderr; keys, dtypes,
# shapes and SHA-256 of the values agree with the manifest that real torch wrote for each fixture.
for fixture in "${FIXTURE_FILES[@]}"; do
  "$PACKAGE" inspect "$FIXTURES/$fixture" --json --hash > "$work/out.json" 2> "$work/err.txt" \
    || fail "inspect $fixture exited with $? ($(cat "$work/err.txt"))"
  [ ! -s "$work/err.txt" ] || fail "inspect $fixture wrote to stderr: $(cat "$work/err.txt")"
  python3 - "$work/out.json" "$FIXTURES/manifest.json" "$fixture" <<'PY'
import json, sys
out = json.load(open(sys.argv[1]))
entry = next(f for f in json.load(open(sys.argv[2]))["files"] if f["file"] == sys.argv[3])
formats = {"zip": "torch-zip", "legacy": "torch-legacy", "tar": "torch-tar", "safetensors": "safetensors"}
expected = [(".".join(map(str, t["path"])), t.get("torch_dtype") or t["dtype"], t["shape"], t["sha256"])
            for t in entry["tensors"]]
actual = [(t["key"], t["dtype"], t["shape"], t["sha256"]) for t in out["tensors"]]
assert out["format"] == formats[entry["format"]], f"format {out['format']!r}, manifest says {entry['format']!r}"
assert actual == expected, f"tensors {actual}, manifest says {expected}"
assert out["unsafe_globals"] == [] and out["warnings"] == [], out
print(f"inspect --json --hash {sys.argv[3]}: {out['format']}, {len(actual)} tensors match the manifest")
PY
done

# Relative paths resolve against the caller's directory; names with spaces and non-ASCII letters survive.
cp "$FIXTURES/$FIXTURE" "$work/mödel copy.safetensors"
(cd "$work" && LC_ALL=C.UTF-8 "$PACKAGE" inspect "mödel copy.safetensors" --json) \
  | python3 -c 'import json,sys; f=json.load(sys.stdin)["file"]; assert f.endswith("mödel copy.safetensors"), f' \
  || fail "inspect of a relative path with a space and an umlaut"

# Errors: exit code 2, a short message naming the file on stderr, no stack trace, nothing on stdout.
set +e
"$PACKAGE" inspect "$work/missing.pt" --json > "$work/out.txt" 2> "$work/err.txt"
rc=$?
set -e
[ $rc = 2 ] || fail "inspect of a missing file exited with $rc, not 2"
[ ! -s "$work/out.txt" ] || fail "inspect of a missing file wrote to stdout"
grep -q "missing.pt" "$work/err.txt" || fail "the error does not name the file: $(cat "$work/err.txt")"
! grep -qE 'Exception|^\s+at ' "$work/err.txt" || fail "stack trace on stderr: $(cat "$work/err.txt")"
echo "errors: exit code 2, one-line message: $(head -1 "$work/err.txt")"

# Desktop entry, icon and file associations. A headless machine has no menu directories, so xdg-utils skips the
# desktop integration (postinst still succeeds, as checked above); make the directories a desktop system has and
# configure the package again, to check the integration as a desktop user gets it.
if [ ! -f "$DESKTOP" ]; then
  for d in /etc/xdg/menus /usr/share/applications /usr/share/desktop-directories; do
    [ -d "$d" ] || { mkdir -p "$d"; created_dirs+=("$d"); }
  done
  echo "headless install OK; simulating a desktop (created ${created_dirs[*]:-nothing}) and reconfiguring"
  "/var/lib/dpkg/info/$PACKAGE.postinst" configure
fi
[ -f "$DESKTOP" ] || fail "no desktop entry at $DESKTOP"
grep -q "^Exec=/opt/$PACKAGE/bin/$PACKAGE %F$" "$DESKTOP" || fail "desktop Exec line does not pass files (%F)"
icon=$(sed -n 's/^Icon=//p' "$DESKTOP")
[ -s "$icon" ] || fail "desktop icon $icon is missing"
for mime in application/x-pytorch-checkpoint application/x-safetensors application/octet-stream; do
  grep -q "^MimeType=.*$mime" "$DESKTOP" || fail "desktop entry lacks MimeType $mime"
done
if command -v desktop-file-validate >/dev/null 2>&1; then desktop-file-validate "$DESKTOP"; fi
[ -f "$MIME_XML" ] || fail "MIME types not registered ($MIME_XML missing)"
for glob in 'application/x-pytorch-checkpoint:\*\.pth' 'application/x-pytorch-checkpoint:\*\.pt' \
            'application/x-pytorch-checkpoint:\*\.ckpt' 'application/x-safetensors:\*\.safetensors' \
            'application/octet-stream:\*\.bin'; do
  grep -q ":$glob$" /usr/share/mime/globs2 || fail "shared MIME database lacks $glob"
done
echo "desktop entry, icon and MIME globs for .pth .pt .ckpt .bin .safetensors installed"

# The GUI: the same launcher with a file and no command word. Still running after the timeout means the window
# came up; exiting with 0 is fine too. A crash (a module missing from the runtime, say) fails the test. The
# timeout runs inside xvfb-run, so the app is stopped while its X server still runs (killing the server first
# makes GTK crash on the way out); it runs in the work folder, where a JVM crash would leave its hs_err log, and
# keeps its preferences there, so the file it opens does not join the user's recent files.
if command -v xvfb-run >/dev/null 2>&1; then
  opened="$PWD/$FIXTURES/$FIXTURE"
  set +e
  prefs="-Djava.util.prefs.userRoot=$work/prefs"
  (cd "$work" && JAVA_TOOL_OPTIONS="-Xlog:class+load=info:file=$work/gui-classes.txt $prefs" \
    xvfb-run -a timeout -k 5 20 "$PACKAGE" "$opened") > "$work/gui.txt" 2>&1
  rc=$?
  set -e
  ! ls "$work"/hs_err_pid*.log >/dev/null 2>&1 || fail "the GUI crashed: $(head -20 "$work"/hs_err_pid*.log)"
  { [ $rc = 0 ] || [ $rc = 124 ]; } || fail "GUI exited with $rc: $(cat "$work/gui.txt")"
  ! grep -qE 'Exception|Error:' "$work/gui.txt" || fail "GUI printed an error: $(cat "$work/gui.txt")"
  for class in org.ckptinspector.gui.InspectorApp javafx.scene.control.TreeTableView; do
    grep -q "\] $class source: shared objects file" "$work/gui-classes.txt" \
      || fail "the GUI loads $class from $(grep "\] $class source" "$work/gui-classes.txt" | sed 's/.*source: //'), not the class archive"
  done
  echo "GUI: started under Xvfb (exit $rc: $([ $rc = 124 ] && echo 'still running after 20 s' || echo 'exited normally'))"
else
  echo "GUI: skipped (no xvfb-run)"
fi
step "installed launcher checks" "$t"

t=$(date +%s)
dpkg -r "$PACKAGE" >/dev/null
for leftover in /usr/bin/$PACKAGE /opt/$PACKAGE "$DESKTOP" "$MIME_XML"; do
  [ ! -e "$leftover" ] && [ ! -L "$leftover" ] || fail "$leftover is left after dpkg -r"
done
! grep -q 'application/x-safetensors' /usr/share/mime/globs2 || fail "MIME globs left after dpkg -r"
step "dpkg -r" "$t"
step "total" "$t_all"
echo "PASS: .deb builds, installs, works as the CLI and uninstalls cleanly"
