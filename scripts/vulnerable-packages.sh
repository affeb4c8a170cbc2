#!/usr/bin/env bash
# Lists the NuGet packages of the solution, direct and transitive, that the NuGet sources know a vulnerability of
# (dotnet list package --vulnerable --include-transitive) and exits 1 when there is one, naming each with its advisory.
#
# What it proves depends on the sources: dotnet only knows the advisories a source serves (its service index names a
# VulnerabilityInfo resource). The script says so when none of them does: "no vulnerable package" then proves nothing,
# and it exits 0 unless RECONCILER_REQUIRE_VULNERABILITY_DATA=1, which makes that (and a source that cannot be read) a
# failure too. --report FILE reads a saved `--format json` report instead of running dotnet (the tests use it).
set -uo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

report=""
if [ "${1:-}" = "--report" ]; then
  report="${2:?--report needs a file}"
else
  report="$(mktemp)"
  trap 'rm -f "$report"' EXIT
  if ! timeout 300 dotnet list Reconciler.sln package --vulnerable --include-transitive --format json >"$report" 2>&1; then
    echo "vulnerable-packages: dotnet list package --vulnerable failed:" >&2
    sed 's/^/  /' "$report" >&2
    [ "${RECONCILER_REQUIRE_VULNERABILITY_DATA:-0}" = "1" ] && exit 1
    echo "vulnerable-packages: WARNING: no vulnerability check was made (RECONCILER_REQUIRE_VULNERABILITY_DATA=1 makes this a failure)" >&2
    exit 0
  fi
fi

python3 - "$report" "${RECONCILER_REQUIRE_VULNERABILITY_DATA:-0}" <<'PY'
import json, sys, urllib.request

path, require = sys.argv[1], sys.argv[2] == "1"
try:
    with open(path, encoding="utf-8") as f:
        report = json.load(f)
except (OSError, ValueError) as e:
    print(f"vulnerable-packages: cannot read the report {path}: {e}", file=sys.stderr)
    sys.exit(1)

def field(obj, name):
    # The report's keys are camelCase except "advisoryurl"; read them whatever their case.
    return next((v for k, v in obj.items() if k.lower() == name.lower()), None)

found = []
for project in field(report, "projects") or []:
    for framework in field(project, "frameworks") or []:
        for kind in ("topLevelPackages", "transitivePackages"):
            for package in field(framework, kind) or []:
                for vulnerability in field(package, "vulnerabilities") or []:
                    found.append((field(project, "path"), field(framework, "framework"), field(package, "id"),
                                  field(package, "resolvedVersion"), field(vulnerability, "severity"),
                                  field(vulnerability, "advisoryUrl")))
for problem in field(report, "problems") or []:
    print(f"vulnerable-packages: dotnet says: {field(problem, 'level')}: {field(problem, 'text')}", file=sys.stderr)

if found:
    for project, framework, package, version, severity, url in sorted(set(found)):
        print(f"vulnerable-packages: {package} {version} ({framework}, {project}): {severity}, {url}", file=sys.stderr)
    print(f"vulnerable-packages: {len(set((p, v) for _, _, p, v, _, _ in found))} vulnerable package version(s): "
          "update them (Directory.Packages.props pins transitive ones too)", file=sys.stderr)
    sys.exit(1)

sources = field(report, "sources") or []
serving, unreadable = [], []
for source in sources:
    if not source.startswith(("http://", "https://")):
        continue  # a local folder serves packages only
    try:
        with urllib.request.urlopen(source, timeout=30) as answer:
            index = json.load(answer)
    except Exception as e:  # noqa: BLE001 - any failure means the same: this source told us nothing
        unreadable.append(f"{source} ({e})")
        continue
    if any(str(r.get("@type", "")).startswith("VulnerabilityInfo") for r in index.get("resources", [])):
        serving.append(source)

names = ", ".join(sources) or "none"
if serving:
    print(f"vulnerable-packages: no known vulnerable package, direct or transitive, according to {', '.join(serving)}")
    sys.exit(0)
why = f"could not read {'; '.join(unreadable)}" if unreadable else "their service indexes name no VulnerabilityInfo resource"
print(f"vulnerable-packages: WARNING: none of the NuGet sources ({names}) serves vulnerability data ({why}): "
      "'no vulnerable package' proves nothing here", file=sys.stderr)
sys.exit(1 if require else 0)
PY
