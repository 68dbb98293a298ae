#!/usr/bin/env bash
# Interop test: Poort's OpenID Provider driven by openid-client and jose (Node).
#
#   tests/interop/run.sh POORT_BINARY [sqlite|postgres|all]     (default: all)
#
# Builds nothing: give it a built binary (`cargo build` → target/debug/poort) and install
# the Node packages first (`cd tests/interop && npm ci`). For each database it starts
# Poort in demo mode with the test login on a free loopback port (issuer
# http://localhost:PORT, side listeners on free ports) and a fresh database
# (PostgreSQL: a database of its own on 127.0.0.1:5432 as user postgres, dropped after),
# waits for /readyz and runs `node --test`. Any failure fails the script; Poort's log is
# printed when the tests fail. A skipped test fails the run.
set -euo pipefail

binary=${1:?usage: tests/interop/run.sh POORT_BINARY [sqlite|postgres|all]}
which_db=${2:-all}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
binary=$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")
[ -x "$binary" ] || { echo "interop: $binary is not an executable" >&2; exit 2; }
[ -d "$here/node_modules/openid-client" ] || { echo "interop: run 'npm ci' in tests/interop first" >&2; exit 2; }
pg_base=${INTEROP_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}

name=interop
. "$root/tests/lib.sh"

# The demo configuration plus the interop clients (first-party, so no consent page).
{
  cat "$root/config/poort.toml"
  cat <<'EOF'

# --- added by tests/interop/run.sh ---
[[oidc.clients]]
id = "interop-es256"
name = "Interop test (openid-client, ES256)"
kind = "confidential"
secret = "interop-es256-secret"
auth_method = "client_secret_basic"
redirect_uris = ["http://127.0.0.1:9000/callback", "http://localhost:9000/callback"]
grant_types = ["authorization_code", "refresh_token", "client_credentials"]
scopes = ["openid", "profile"]
allowed_claims = ["given_name", "family_name", "name", "locale"]
id_token_alg = "ES256"
is_first_party = true

[[oidc.clients]]
id = "interop-rs256"
name = "Interop test (openid-client, RS256)"
kind = "confidential"
secret = "interop-rs256-secret"
auth_method = "client_secret_post"
redirect_uris = ["http://127.0.0.1:9000/callback"]
grant_types = ["authorization_code", "refresh_token", "client_credentials"]
scopes = ["openid", "profile"]
allowed_claims = ["given_name", "family_name", "name", "locale"]
id_token_alg = "RS256"
is_first_party = true

# The conformance suite's kind of client: confidential, a nonce, no PKCE.
[[oidc.clients]]
id = "interop-suite"
name = "Interop test (the conformance suite's client shape)"
kind = "confidential"
secret = "interop-suite-secret"
auth_method = "client_secret_basic"
redirect_uris = ["http://127.0.0.1:9000/callback"]
scopes = ["openid", "profile"]
allowed_claims = ["given_name", "family_name", "name", "locale"]
id_token_alg = "RS256"
is_first_party = true
require_pkce = false
EOF
} >"$work/poort.toml"

run_pass() {
  local db=$1 url port
  fresh_database "$db" "$work/poort-interop.db"
  url=$db_url
  port=$(free_port)
  printf '\n--- interop on %s: poort on http://localhost:%s\n' "$db" "$port"
  # The issuer is the public origin http://localhost:PORT (the listener is on loopback);
  # the side listeners go on free ports, so a running demo does not stop the test.
  (cd "$root" && POORT_DEMO__IS_TEST_LOGIN_ENABLED=true POORT_OIDC__REGISTERED_CLIENTS_REQUIRE_PKCE=false POORT_LOG__FILTER="warn,poort=info" \
    exec "$binary" --config "$work/poort.toml" --database-url "$url" \
      serve --listen "127.0.0.1:$port" --side-ports auto) \
    >"$work/poort-$db.log" 2>&1 &
  server_pid=$!
  wait_ready "$port" "$work/poort-$db.log"
  local status=0
  (cd "$here" && POORT_ISSUER="http://localhost:$port" node --test --test-reporter=spec oidc.test.mjs conformance.test.mjs) \
    2>&1 | tee "$work/node-$db.txt" || status=$?
  # Nothing here may be skipped: a skipped test proves nothing.
  if grep -qE '^. skipped [1-9]' "$work/node-$db.txt"; then
    echo "interop: tests were skipped on $db" >&2
    status=1
  fi
  if [ "$status" != 0 ]; then
    echo "interop: FAILED on $db; poort's log (last 80 lines):" >&2
    tail -n 80 "$work/poort-$db.log" >&2
    exit "$status"
  fi
  end_pass
}

case $which_db in
  all) run_pass sqlite; run_pass postgres ;;
  *) run_pass "$which_db" ;;
esac
echo "interop: all passes succeeded ($which_db)"
