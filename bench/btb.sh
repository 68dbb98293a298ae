#!/usr/bin/env bash
# Latency of the BTB web service against the seed-002 SLA (95 % of web-service responses
# under 2 s) and the HTTP floor (docs/PERFORMANCE.md, "BTB web service").
#
#   bench/btb.sh [BINARY]            default target/release/poort (build it first)
#   BENCH_DATABASE=postgres bench/btb.sh   a fresh database on 127.0.0.1:5432 (user postgres)
#
# Starts the binary in demo mode (the demo clinic is registered, the demo client
# btb-webservice has btb:read) on a free loopback port with a fresh SQLite database, takes a
# client_credentials token, and times BENCH_REQUESTS (2000) requests with BENCH_CONCURRENCY
# (8) in flight against: GET /healthz (the floor), GET /api/btb/v1/enterprises/{number},
# GET /api/btb/v1/persons/{number}/roles and GET /api/btb/v1/changes. Needs node and curl.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bin=${1:-target/release/poort}
n=${BENCH_REQUESTS:-2000}
c=${BENCH_CONCURRENCY:-8}
test -x "$bin" || { echo "bench: $bin is missing (cargo build --release)" >&2; exit 2; }
work=$(mktemp -d)
db_url="sqlite://$work/poort.db"
pg_db=""
if [ "${BENCH_DATABASE:-sqlite}" = postgres ]; then
  pg_db="poort_bench_btb_$$"
  psql "postgres://postgres@127.0.0.1:5432/postgres" -q -c "CREATE DATABASE $pg_db"
  db_url="postgres://postgres@127.0.0.1:5432/$pg_db"
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
POORT_DATABASE__URL="$db_url" POORT_SERVER__LISTEN="127.0.0.1:$port" \
  POORT_EID__IS_ENABLED=false POORT_ITSME__IS_ENABLED=false POORT_EIDAS__IS_ENABLED=false \
  POORT_LOG__FILTER=warn "$bin" --config config/poort.toml serve >"$work/log" 2>&1 &
pid=$!
cleanup() {
  kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$work"
  if [ -n "$pg_db" ]; then psql "postgres://postgres@127.0.0.1:5432/postgres" -q -c "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" || true; fi
}
trap cleanup EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 1 100); do curl -fs "$base/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
token=$(curl -fs -u btb-webservice:btb-webservice-secret -d grant_type=client_credentials -d scope=btb:read "$base/token" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
for path in /healthz /api/btb/v1/enterprises/0410561210 /api/btb/v1/persons/65062108414/roles '/api/btb/v1/changes?after=0'; do
  node bench/btb_load.mjs "$base$path" "$token" "$n" "$c"
done
