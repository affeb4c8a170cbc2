#!/usr/bin/env bash
# Starts `reconciler serve` (Hangfire server, dashboard, HTTP API) against the local database, building it first.
#   scripts/serve.sh                      # http://127.0.0.1:5080, inbox samples/2026-11-20/inbox
#   RECONCILER_URLS=http://127.0.0.1:6000 scripts/serve.sh
# With no API key configured (appsettings.json or RECONCILER__Reconciler__Api__Keys__…), it makes one local operator
# key the first time and keeps it in .serve/operator.key (git-ignored, readable by you only); the server only ever
# sees its SHA-256.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
export RECONCILER_DB="${RECONCILER_DB:-$(scripts/db.sh --print-connection)}"
export RECONCILER__Reconciler__Inbox="${RECONCILER__Reconciler__Inbox:-samples/2026-11-20/inbox}"
if [ ! -f appsettings.json ] && [ -z "${RECONCILER__Reconciler__Api__Keys__0__KeySha256:-}" ]; then
  mkdir -p .serve
  if [ ! -s .serve/operator.key ] || [ ! -s .serve/operator.sha256 ]; then
    made="$(scripts/reconciler keys new --name local-operator --role operator)"
    (umask 077; sed -n 's/^key: //p' <<<"$made" > .serve/operator.key)
    sed -n 's/.*"KeySha256": "\([0-9a-f]*\)".*/\1/p' <<<"$made" > .serve/operator.sha256
    echo "serve.sh: made a local operator key in .serve/operator.key" >&2
  fi
  export RECONCILER__Reconciler__Api__Keys__0__Name=local-operator
  export RECONCILER__Reconciler__Api__Keys__0__KeySha256="$(cat .serve/operator.sha256)"
  export RECONCILER__Reconciler__Api__Keys__0__Roles__0=operator
fi
exec scripts/reconciler serve --urls "${RECONCILER_URLS:-http://127.0.0.1:5080}" "$@"
