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
# The web pages show Chinese text: the browser test needs a CJK font (the pages' CSS names Noto Sans CJK first).
if ! fc-list : family 2>/dev/null | grep -i "Noto Sans CJK" >/dev/null; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "test.sh: installing fonts-noto-cjk from Debian's packages for the web page browser test" >&2
    (DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk)) >&2 || exit 1
  else
    echo "test.sh: the web page browser test wants a CJK font: sudo apt-get install -y fonts-noto-cjk" >&2
  fi
fi
results="$repo/TestResults"
rm -rf "$results"
dotnet build Reconciler.sln -c Release -nologo -v quiet -clp:ErrorsOnly || { echo "0 passed, 1 failed"; exit 1; }
status=0
broken=""
# Known vulnerable packages, direct or transitive, fail the run (counted as one failure); the script says when this
# machine's NuGet sources serve no vulnerability data, so that a clean answer proves nothing.
vulnerable=0
bash scripts/vulnerable-packages.sh || { status=1; vulnerable=1; }
for project in tests/*/*.csproj; do
  name=$(basename "$project" .csproj)
  dotnet test "$project" -c Release --no-build -nologo -v quiet \
    --logger "trx;LogFileName=$name.trx" --results-directory "$results" || { status=1; broken="$broken $name"; }
done
# Sum the counters of every project's TRX file into one totals line for all of them.
totals=$(cat "$results"/*.trx 2>/dev/null | tr '>' '\n' | grep -o '<Counters [^/]*' | awk '
  { for (i = 2; i <= NF; i++) { split($i, kv, "="); gsub(/"/, "", kv[2]); c[kv[1]] += kv[2] } }
  END { printf "%d %d %d", c["passed"], c["failed"] + c["error"] + c["timeout"] + c["aborted"], c["notExecuted"] }')
read -r passed failed skipped <<<"${totals:-0 0 0}"
# A test host that crashed leaves no failure in its TRX file; it still failed.
if [ -n "$broken" ] && [ "$failed" -eq 0 ]; then
  echo "test.sh: these test projects did not complete:$broken" >&2
  failed=1
fi
if [ "$vulnerable" -ne 0 ]; then
  echo "test.sh: scripts/vulnerable-packages.sh failed (above)" >&2
  failed=$((failed + 1))
fi
echo "$passed passed, $failed failed, $skipped skipped"
if [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then status=1; fi
exit $status
