#!/usr/bin/env bash
# Builds the tree into a private folder (.build/<name>, ignored by git), so that several people
# building at once do not race on dist/. Prints tsc's errors but always runs tsc-alias.
#   scripts/dev-build.sh my-area  &&  SWITCHYARD_DIST_DIR=.build/my-area npx jest ...
set -u
out=$(cd "$(dirname "$0")/.." && pwd)/.build/${1:?usage: dev-build.sh NAME}
cd "$(dirname "$0")/.."
npx tsc -p tsconfig.build.json --outDir "$out" --tsBuildInfoFile "$out/.tsbuildinfo"
rc=$?
npx tsc-alias -p tsconfig.build.json --outDir "$out"
echo "built into $out (tsc exit $rc)"
