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
name=bench
. "$root/tests/lib.sh"
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
fresh_database "$database" "$work/poort.db"
url=$db_url
port=$(free_port)
base="http://localhost:$port"
(POORT_LOG__FILTER=warn taskset -c "$server_cpu" "$root/target/release/poort" \
  --config "$work/poort.toml" --database-url "$url" serve --listen "127.0.0.1:$port" --side-ports auto \
  >"$work/poort.log" 2>&1) &
server_pid=$!
wait_ready "$port" "$work/poort.log"
auth="Basic $(printf '%s:%s' bench-overload bench-overload-secret | base64 -w0)"

echo "==> machine: $(nproc) cores; server on core $server_cpu, load on core $client_cpu; in-flight bound $inflight; $database"
echo "==> 1. client_credentials at /token, ${inflight} concurrent (at the bound)"
taskset -c "$client_cpu" node bench/overload.mjs "$base/token" "$inflight" "$seconds" POST "grant_type=client_credentials" "$auth"
echo "==> 2. client_credentials at /token, $((inflight * 10)) concurrent (ten times the bound)"
taskset -c "$client_cpu" node bench/overload.mjs "$base/token" "$((inflight * 10))" "$seconds" POST "grant_type=client_credentials" "$auth"
