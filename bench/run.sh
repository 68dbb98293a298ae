#!/usr/bin/env bash
# Benchmark of the token endpoint on loopback (docs/PERFORMANCE.md).
#
#   bench/run.sh                   SQLite in a temporary directory
#   BENCH_DATABASE=postgres bench/run.sh   a fresh database on 127.0.0.1:5432 (user postgres)
#
# Knobs: BENCH_SECONDS (client_credentials run, default 10), BENCH_CODES (codes to mint,
# default 6000), BENCH_CODE_SECONDS (code-exchange window, default 3; must end before the
# codes run out), BENCH_CONNECTIONS (default 8), BENCH_SERVER_CPU (0) and
# BENCH_CLIENT_CPU (1).
#
# Needs: cargo, wrk, taskset, node (for minting codes), curl, python3. Builds the release
# binary and the bare-signing example, starts Poort in demo mode with the test login
# pinned to one core, and on that same core measures:
#   1. the bare limit: build + sign ES256 tokens in a loop (bench/es256_sign.rs);
#   2. client_credentials at /token (wrk, pinned to the other core);
#   3. code exchange at /token: codes minted first by logins in one browser session
#      (bench/mint_codes.mjs), then exchanged by wrk;
#   4. the HTTP floor: GET /healthz (no logic, the same layers, the same wrk settings),
#      what any request costs on this core in HTTP, the runtime and the kernel's loopback;
#   5. database writes and reads per code exchange and per client_credentials request,
#      from the statement log of a second, short run;
# and prints the ratios endpoint rate / bare signing rate, the ceiling the floor leaves
# (bare time / (bare time + floor time)) and Poort's own time per request (endpoint time
# minus bare time minus floor time).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

seconds=${BENCH_SECONDS:-10}
n_codes=${BENCH_CODES:-6000}
ac_seconds=${BENCH_CODE_SECONDS:-3}
conns=${BENCH_CONNECTIONS:-8}
server_cpu=${BENCH_SERVER_CPU:-0}
client_cpu=${BENCH_CLIENT_CPU:-1}
database=${BENCH_DATABASE:-sqlite}
pg_base=${BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}
client_id=bench-es256
client_secret=bench-es256-secret
redirect_uri=http://127.0.0.1:9000/callback
verifier=bench-verifier-0123456789-0123456789-0123456789-abcdefgh
auth="Basic $(printf '%s:%s' "$client_id" "$client_secret" | base64 -w0)"

for tool in wrk taskset node curl python3; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is required" >&2; exit 2; }
done

echo "==> cargo build --release (poort, es256_sign)"
cargo build --release --locked --bin poort --example es256_sign 2>&1 | tail -n 1

work=$(mktemp -d)
server_pid=""
pg_dbs=()
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  for db in "${pg_dbs[@]}"; do psql "$pg_base/postgres" -q -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

{
  cat config/poort.toml
  cat <<EOF

# --- added by bench/run.sh ---
# One load generator on one address: the per-address rate limit would measure itself.
[limits]
rate_per_minute = 100000000
burst = 1000000
max_concurrent_requests = 100000

[[oidc.clients]]
id = "$client_id"
name = "Token endpoint benchmark"
kind = "confidential"
secret = "$client_secret"
auth_method = "client_secret_basic"
redirect_uris = ["$redirect_uri"]
grant_types = ["authorization_code", "refresh_token", "client_credentials"]
scopes = ["openid", "profile"]
allowed_claims = ["given_name", "family_name", "name", "locale"]
id_token_alg = "ES256"
is_first_party = true
EOF
} >"$work/poort.toml"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_server NAME LOG_FILTER: starts Poort pinned to the server core on a fresh database.
start_server() {
  local name=$1 filter=$2 url
  if [ "$database" = postgres ]; then
    local db="poort_bench_${name}_$(date +%s)_$$"
    psql "$pg_base/postgres" -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE $db" >/dev/null
    pg_dbs+=("$db")
    url="$pg_base/$db"
  else
    url="sqlite://$work/$name.db"
  fi
  port=$(free_port)
  issuer="http://localhost:$port"   # the public origin of a loopback listener
  POORT_DEMO__IS_TEST_LOGIN_ENABLED=true POORT_OIDC__CODE_LIFETIME_SECS=600 POORT_LOG__FILTER="$filter" \
    taskset -c "$server_cpu" target/release/poort --config "$work/poort.toml" --database-url "$url" \
    serve --listen "127.0.0.1:$port" --side-ports auto >"$work/$name.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 150); do
    if curl -fsS "$issuer/readyz" >/dev/null 2>&1; then return 0; fi
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.2
  done
  echo "bench: poort did not start; its log:" >&2
  cat "$work/$name.log" >&2
  exit 1
}

stop_server() {
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
}

wrk_floor() { # DURATION: GET /healthz, printed as a RESULT line like token.lua's
  taskset -c "$client_cpu" wrk -t1 -c"$conns" -d"$1" --latency "$issuer/healthz" | python3 -c '
import re, sys
out = sys.stdin.read()
def ms(label):
    m = re.search(r"^\s*" + label + r"\s+([\d.]+)(us|ms|s)\b", out, re.M)
    v, unit = float(m.group(1)), m.group(2)
    return v / 1000 if unit == "us" else v * 1000 if unit == "s" else v
rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
requests = int(re.search(r"(\d+) requests in", out).group(1))
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
p50, p99 = ms("50%"), ms("99%")
print(f"RESULT grant=none requests={requests} rate={rate:.0f} p50_ms={p50:.3f} p99_ms={p99:.3f} errors={errors.group(1) if errors else 0}")
'
}

wrk_token() { # GRANT DURATION [CODES_FILE]
  BENCH_GRANT=$1 BENCH_AUTH=$auth BENCH_CODES=${3:-} BENCH_VERIFIER=$verifier BENCH_REDIRECT_URI=$redirect_uri \
    taskset -c "$client_cpu" wrk -t1 -c"$conns" -d"$2" -s bench/token.lua "$issuer" | grep '^RESULT'
}

field() { sed -E "s/.* $1=([^ ]+).*/\1/" <<<"$2"; }

echo "==> machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(uname -sr)"
echo "==> server core $server_cpu, load generator core $client_cpu, $conns connections, database $database"

start_server bench "warn"

echo "==> 1. bare limit: build + sign ES256 on core $server_cpu (5 s per shape)"
bare=$(taskset -c "$server_cpu" target/release/examples/es256_sign 5)
echo "$bare"
bare_cc=$(field rate "$(grep 'shape=client_credentials' <<<"$bare")")
bare_ac=$(field rate "$(grep 'shape=authorization_code' <<<"$bare")")

echo "==> 2. client_credentials (2 s warm-up, then ${seconds} s)"
wrk_token client_credentials 2s >/dev/null
cc=$(wrk_token client_credentials "${seconds}s")
echo "$cc"

echo "==> 3. code exchange: minting $n_codes codes (one login, then authorization requests)"
taskset -c "$client_cpu" node bench/mint_codes.mjs "$issuer" "$client_id" "$n_codes" "$work/codes.txt" "$verifier" "$redirect_uri"
# A fixed window shorter than the codes last: the rate is requests / window.
ac=$(wrk_token authorization_code "${ac_seconds}s" "$work/codes.txt")
echo "$ac"
if [ "$(field requests "$ac")" -ge "$n_codes" ]; then
  echo "bench: the codes ran out within ${ac_seconds} s; raise BENCH_CODES" >&2
  exit 1
fi

echo "==> 4. HTTP floor: GET /healthz, same layers, same wrk settings (${seconds} s)"
floor=$(wrk_floor "${seconds}s")
echo "$floor"
stop_server

echo "==> 5. database statements per request (statement log of a short second run)"
start_server count "warn,sqlx::query=trace"
n=20
node bench/mint_codes.mjs "$issuer" "$client_id" "$n" "$work/count-codes.txt" "$verifier" "$redirect_uri" >/dev/null
# statements writes|reads: data-modifying operations logged so far (a statement's own
# INSERT/UPDATE/DELETE and those of its WITH parts: PostgreSQL's claim-and-insert is one
# statement with two writes), or SELECT statements.
statements() {
  python3 - "$work/count.log" "$1" <<'EOF'
import re, sys
text = open(sys.argv[1], errors="replace").read()
n = 0
for m in re.finditer(r'db\.statement="((?:[^"\\]|\\.)*)"', text):
    sql = m.group(1).replace("\\n", " ").strip()
    if sys.argv[2] == "reads":
        n += bool(re.match(r"select\b", sql, re.I))
    else:
        n += len(re.findall(r"(?:^|\(\s*)(?:insert|update|delete)\b", sql, re.I))
print(n)
EOF
}
count_since() { # LABEL BEFORE_WRITES BEFORE_READS REQUESTS
  local w r
  w=$(( $(statements writes) - $2 ))
  r=$(( $(statements reads) - $3 ))
  python3 -c "print(f'$1: {$w/$4:.2f} writes and {$r/$4:.2f} reads per request ($4 requests)')"
}
w0=$(statements writes); r0=$(statements reads)
while read -r code; do
  curl -fsS -o /dev/null -H "Authorization: $auth" --data-urlencode grant_type=authorization_code \
    --data-urlencode "code=$code" --data-urlencode "redirect_uri=$redirect_uri" \
    --data-urlencode "code_verifier=$verifier" "$issuer/token"
done <"$work/count-codes.txt"
sleep 0.5
writes_ac=$(count_since "code exchange" "$w0" "$r0" "$n")
w0=$(statements writes); r0=$(statements reads)
for _ in $(seq 1 "$n"); do
  curl -fsS -o /dev/null -H "Authorization: $auth" -d grant_type=client_credentials "$issuer/token"
done
sleep 0.5
writes_cc=$(count_since "client_credentials" "$w0" "$r0" "$n")
stop_server

echo
echo "==> summary ($database, server on core $server_cpu)"
echo "$writes_ac"
echo "$writes_cc"
python3 - "$bare_cc" "$bare_ac" "$(field rate "$cc")" "$(field rate "$ac")" "$(field rate "$floor")" "$cc" "$ac" <<'EOF'
import sys
bare_cc, bare_ac, cc, ac, floor = map(float, sys.argv[1:6])
us = lambda rate: 1e6 / rate
print(f"bare ES256 build+sign, 1 token     : {bare_cc:8.0f}/s  ({us(bare_cc):5.1f} µs)")
print(f"bare ES256 build+sign, AT + id_token: {bare_ac:8.0f}/s  ({us(bare_ac):5.1f} µs)")
print(f"HTTP floor, GET /healthz            : {floor:8.0f}/s  ({us(floor):5.1f} µs)")
print(f"client_credentials at /token        : {cc:8.0f}/s  ({us(cc):5.1f} µs) = {100*cc/bare_cc:5.1f} % of bare (1 token)   [{sys.argv[6].split(' ', 1)[1]}]")
print(f"code exchange at /token             : {ac:8.0f}/s  ({us(ac):5.1f} µs) = {100*ac/bare_ac:5.1f} % of bare (2 tokens)  [{sys.argv[7].split(' ', 1)[1]}]")
for name, rate, bare in (("client_credentials", cc, bare_cc), ("code exchange", ac, bare_ac)):
    ceiling = us(bare) / (us(bare) + us(floor))
    own = us(rate) - us(bare) - us(floor)
    print(f"{name:19s}: the floor caps it at {100*ceiling:5.1f} % of bare; Poort's own time {own:5.1f} µs per request")
EOF
