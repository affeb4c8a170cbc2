#!/usr/bin/env bash
# Sets up the local database, builds, runs every test project against it, and prints one line of totals:
#   N passed, N failed[, N skipped]
set -uo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
export RECONCILER_TEST_DB="${RECONCILER_TEST_DB:-$(scripts/db.sh --print-connection | sed 's/Database=reconciler$/Database=reconciler_test/')}" || exit 1
# report.html is checked in a real browser: Debian's headless Chromium.
if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "test.sh: installing Chromium from Debian's packages for the report.html browser test" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >&2 || exit 1
  else
    echo "test.sh: the browser test needs Chromium: sudo apt-get install -y chromium" >&2
  fi
fi
results="$repo/TestResults"
rm -rf "$results"
dotnet build Reconciler.sln -c Release -nologo -v quiet -clp:ErrorsOnly || { echo "0 passed, 1 failed"; exit 1; }
status=0
for project in tests/*/*.csproj; do
  name=$(basename "$project" .csproj)
  dotnet test "$project" -c Release --no-build -nologo -v quiet \
    --logger "trx;LogFileName=$name.trx" --results-directory "$results" || status=1
done
# Sum the counters of every project's TRX file: one totals line for all of them.
python3 - "$results" <<'PY' || status=1
import glob, sys, xml.etree.ElementTree as ET
passed = failed = skipped = 0
files = glob.glob(sys.argv[1] + "/*.trx")
for path in files:
    counters = ET.parse(path).getroot().find(".//{*}Counters")
    passed += int(counters.get("passed", 0))
    failed += int(counters.get("failed", 0)) + int(counters.get("error", 0)) + int(counters.get("timeout", 0)) + int(counters.get("aborted", 0))
    skipped += int(counters.get("notExecuted", 0))
print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed or not files or passed == 0 else 0)
PY
[ $? -eq 0 ] || status=1
exit $status
