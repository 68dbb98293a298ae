#!/usr/bin/env bash
# Browser journeys: Poort's pages in headless Chromium, checked with axe-core.
#
#   tests/browser/run.sh POORT_BINARY [sqlite|postgres|all]     (default: all)
#
# Builds nothing: give it a built binary (`cargo build` → target/debug/poort). Needs
# Debian's `chromium` (/usr/bin/chromium, or set CHROMIUM) and the Node packages
# (`cd tests/browser && npm ci`: playwright-core drives the system Chromium, it downloads
# no browser). For each database it starts Poort in demo mode on a free port with a fresh
# database and a fresh data directory (demo keys, demo CAs), the side listeners (eID,
# mock itsme, mock eIDAS) on free ports too, and runs `node --test` on the journeys.
# Screenshots and axe reports go to tests/browser/output/<database>/ (gitignored);
# SCREENSHOTS=DIR also writes the README pictures there (see screenshots.sh).
# BROWSER_JOURNEYS="btb access" runs only journeys/btb.test.mjs and access.test.mjs.
# Any failure fails the script; Poort's log is printed when the tests fail. A skipped
# test fails the run.
set -euo pipefail

binary=${1:?usage: tests/browser/run.sh POORT_BINARY [sqlite|postgres|all]}
which_db=${2:-all}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
binary=$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")
[ -x "$binary" ] || { echo "browser: $binary is not an executable" >&2; exit 2; }
[ -d "$here/node_modules/playwright-core" ] || { echo "browser: run 'npm ci' in tests/browser first" >&2; exit 2; }
chromium=${CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium" ] || { echo "browser: no Chromium at $chromium (apt-get install chromium, or set CHROMIUM)" >&2; exit 2; }
pg_base=${BROWSER_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}
if [ -n "${SCREENSHOTS:-}" ]; then
  mkdir -p "$SCREENSHOTS"
  SCREENSHOTS=$(cd "$SCREENSHOTS" && pwd)
  export SCREENSHOTS
fi

name=browser
. "$root/tests/lib.sh"

run_pass() {
  local db=$1 url port dir
  dir="$work/$db"
  mkdir -p "$dir"
  # Poort runs in its own directory: the demo writes keys and CAs under ./data; the demo
  # configuration and register are read from the repository through ./config.
  ln -s "$root/config" "$dir/config"
  # The demo configuration plus one application that is not first-party (so it asks for
  # consent), whose redirect URI is a small server the consent journey runs itself.
  local callback_port
  callback_port=$(free_port)
  {
    cat "$root/config/poort.toml"
    cat <<EOF

# --- added by tests/browser/run.sh ---
[[oidc.clients]]
id = "browser-consent"
name = "Browser test application"
kind = "confidential"
secret = "browser-consent-secret"
auth_method = "client_secret_basic"
redirect_uris = ["http://localhost:$callback_port/callback"]
grant_types = ["authorization_code"]
scopes = ["openid", "profile", "egovnrn"]
allowed_claims = ["given_name", "family_name", "name", "egovNRN"]
EOF
  } >"$dir/poort.toml"
  fresh_database "$db" "$dir/poort-browser.db"
  url=$db_url
  # The contact centre's staff: Nathalie Lefèvre may open the back office (btb journey).
  (cd "$dir" && exec "$binary" --config poort.toml --database-url "$url" \
    backoffice grant 69.01.23-308.70) >"$work/grant-$db.txt" 2>&1 \
    || { echo "browser: poort backoffice grant failed on $db:" >&2; cat "$work/grant-$db.txt" >&2; exit 1; }
  port=$(free_port)
  local base="http://localhost:$port"
  local out="$here/output/$db"
  rm -rf "$out"; mkdir -p "$out"
  printf '\n--- browser journeys on %s: poort on %s\n' "$db" "$base"
  # The public origin of a loopback listener is http://localhost:PORT (the passkey journey
  # needs a host name as WebAuthn relying party id). --side-ports auto puts the side
  # listeners on free ports (the mocks are found wherever they listen; the eID public URL
  # follows the bound address).
  (cd "$dir" && POORT_LOG__FILTER="warn,poort=info" \
    exec "$binary" --config poort.toml --database-url "$url" \
      serve --listen "127.0.0.1:$port" --side-ports auto) \
    >"$out/poort.log" 2>&1 &
  server_pid=$!
  wait_ready "$port" "$out/poort.log" 300
  local status=0 journeys=() j
  # BROWSER_JOURNEYS="btb access" runs only those files (journeys/NAME.test.mjs).
  if [ -n "${BROWSER_JOURNEYS:-}" ]; then
    for j in $BROWSER_JOURNEYS; do journeys+=("$here/journeys/$j.test.mjs"); done
  else
    journeys=("$here"/journeys/*.test.mjs)
  fi
  (cd "$here" && POORT_URL="$base" BROWSER_OUTPUT_DIR="$out" BROWSER_WORK="$dir" CHROMIUM="$chromium" \
    CALLBACK_PORT="$callback_port" \
    node --test --test-concurrency=1 --test-reporter=spec "${journeys[@]}") \
    2>&1 | tee "$out/node.txt" || status=$?
  # Nothing here may be skipped: a skipped test proves nothing.
  if grep -qE '^. (skipped|todo) [1-9]' "$out/node.txt"; then
    echo "browser: tests were skipped on $db" >&2
    status=1
  fi
  if [ "$status" != 0 ]; then
    echo "browser: FAILED on $db; poort's log (last 80 lines):" >&2
    tail -n 80 "$out/poort.log" >&2
    exit "$status"
  fi
  end_pass
  echo "browser: screenshots and axe reports in $out"
}

case $which_db in
  all) run_pass sqlite; run_pass postgres ;;
  *) run_pass "$which_db" ;;
esac
echo "browser: all passes succeeded ($which_db)"
