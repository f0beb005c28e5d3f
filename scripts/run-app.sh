#!/bin/sh
# Starts one C# app of dapr.yaml from its build output, in the app's folder (the run file's appDirPath).
# `make run` has built everything already and says so with SIDECART_BUILT=1. Started any other way (`dapr run -f .`
# from a fresh clone), the app is built first; the apps of one run start together and share libs/, so they build one
# at a time, behind a lock directory at the repository root.
set -eu
assembly="$1"
configuration="${CONFIGURATION:-Debug}"
if [ "${SIDECART_BUILT:-}" != "1" ]; then
  lock="../../.build.lock"
  until mkdir "$lock" 2>/dev/null; do sleep 1; done
  trap 'rmdir "$lock"' EXIT
  trap 'exit 130' INT TERM
  dotnet build -c "$configuration" -nologo -v quiet "-clp:ErrorsOnly;NoSummary"
  rmdir "$lock"
  trap - EXIT INT TERM
fi
exec dotnet "bin/$configuration/net10.0/$assembly"
