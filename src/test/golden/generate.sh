#!/usr/bin/env bash
# Writes src/test/resources/cli-golden/ from a jar: the command line's output for every fixture, as that jar
# prints it. Made from the build of `main` before the start-up rework (issue 21), so that CliGoldenOutputTest
# proves the reworked command line prints the same bytes. Rerun it with the build of a commit that changes the
# output on purpose, and review the diff.
#
# usage: src/test/golden/generate.sh JAR
set -euo pipefail
cd "$(dirname "$0")/../../.."
java -cp "$1" src/test/golden/Generate.java src/test/resources/cli-golden
