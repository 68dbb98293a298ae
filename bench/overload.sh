#!/usr/bin/env bash
# Overload shedding (docs/PERFORMANCE.md, "Overload"): Poort pinned to one core with a
# small in-flight bound, loaded at the bound and then at ten times it by
# bench/overload.mjs on the other core. Prints, per status, the count and the p50/p99
# latency: what was admitted keeps a bounded latency, the rest is refused at once (503 with
# Retry-After). (The Argon2 pool's own bound is tested in
# tests/integration/password_refusals.rs: a saturated pool answers 503 with Retry-After.)
#
#   bench/overload.sh        (SQLite; BENCH_DATABASE=postgres for PostgreSQL)
#
# Knobs: BENCH_INFLIGHT (the in-flight bound, default 32), BENCH_SECONDS (default 10),
# BENCH_SERVER_CPU (0), BENCH_CLIENT_CPU (1). Needs: cargo, node, taskset, curl.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
inflight=${BENCH_INFLIGHT:-32}
seconds=${BENCH_SECONDS:-10}
server_cpu=${BENCH_SERVER_CPU:-0}
client_cpu=${BENCH_CLIENT_CPU:-1}
database=${BENCH_DATABASE:-sqlite}
pg_base=${BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}

echo "==> cargo build --release"
cargo build --release --locked --bin poort 2>&1 | tail -n 1
work=$(mktemp -d)
server_pid=""
pg_db=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  if [ -n "$pg_db" ]; then psql "$pg_base/postgres" -q -c "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
{
  cat config/poort.toml
  cat <<TOML

# --- added by bench/overload.sh ---
[limits]
rate_per_minute = 100000000
burst = 1000000
max_concurrent_requests = $inflight

[[oidc.clients]]
id = "bench-overload"
name = "Overload benchmark"
kind = "confidential"
secret = "bench-overload-secret"
auth_method = "client_secret_basic"
redirect_uris = ["http://127.0.0.1:9000/callback"]
grant_types = ["client_credentials"]
scopes = ["openid"]
TOML
} >"$work/poort.toml"
if [ "$database" = postgres ]; then
  pg_db="poort_bench_$$"
  psql "$pg_base/postgres" -q -c "CREATE DATABASE $pg_db" >/dev/null
  url="$pg_base/$pg_db"
else
  url="sqlite://$work/poort.db"
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base="http://localhost:$port"
(POORT_LOG__FILTER=warn taskset -c "$server_cpu" "$root/target/release/poort" \
  --config "$work/poort.toml" --database-url "$url" serve --listen "127.0.0.1:$port" --side-ports auto \
  >"$work/poort.log" 2>&1) &
server_pid=$!
for _ in $(seq 1 100); do curl -fs "$base/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
curl -fs "$base/readyz" >/dev/null 2>&1 || { echo "bench: the server did not start:" >&2; cat "$work/poort.log" >&2; exit 1; }
auth="Basic $(printf '%s:%s' bench-overload bench-overload-secret | base64 -w0)"

echo "==> machine: $(nproc) cores; server on core $server_cpu, load on core $client_cpu; in-flight bound $inflight; $database"
echo "==> 1. client_credentials at /token, ${inflight} concurrent (at the bound)"
taskset -c "$client_cpu" node bench/overload.mjs "$base/token" "$inflight" "$seconds" POST "grant_type=client_credentials" "$auth"
echo "==> 2. client_credentials at /token, $((inflight * 10)) concurrent (ten times the bound)"
taskset -c "$client_cpu" node bench/overload.mjs "$base/token" "$((inflight * 10))" "$seconds" POST "grant_type=client_credentials" "$auth"
