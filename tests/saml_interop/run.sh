#!/usr/bin/env bash
# SAML interop test: pysaml2 (from PyPI, with the xmlsec1 program) as a service provider of
# a live Poort, over HTTP-Redirect and HTTP-POST, plus a tampered response, the wrong key and
# the wrong audience, an encrypted assertion, an ECDSA-signed response, and single logout
# from one SP through another (tests/saml_interop/sp.py).
#
#   tests/saml_interop/run.sh POORT_BINARY [sqlite|postgres|all]     (default: all)
#
# Builds nothing. Installs pysaml2 into tests/saml_interop/.venv (requirements.txt) when it
# is missing. For each database: a fresh database, four SPs registered with
# `poort saml sp add --metadata`, Poort in demo mode with the test login on a free port.
set -euo pipefail

binary=${1:?usage: tests/saml_interop/run.sh POORT_BINARY [sqlite|postgres|all]}
which_db=${2:-all}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
binary=$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")
[ -x "$binary" ] || { echo "saml interop: $binary is not an executable" >&2; exit 2; }
command -v xmlsec1 >/dev/null || { echo "saml interop: the xmlsec1 program is required (apt install xmlsec1)" >&2; exit 2; }
pg_base=${INTEROP_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}
venv="$here/.venv"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import saml2, requests' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check -r "$here/requirements.txt"
fi
python="$venv/bin/python"

name=saml_interop
. "$root/tests/lib.sh"

"$python" "$here/sp.py" metadata "$work"
export POORT_DEMO__IS_TEST_LOGIN_ENABLED=true POORT_LOG__FILTER="warn,poort=info" \
  POORT_SAML__SIGNING_KEY_PATH="$work/idp-key.pem" POORT_SAML__SIGNING_CERTIFICATE_PATH="$work/idp-cert.pem" \
  POORT_SAML__EC_SIGNING_KEY_PATH="$work/idp-ec-key.pem" POORT_SAML__EC_SIGNING_CERTIFICATE_PATH="$work/idp-ec-cert.pem"

run_pass() {
  local db=$1 url port
  fresh_database "$db" "$work/poort-saml-$db.db"
  url=$db_url
  port=$(free_port)
  printf '\n--- saml interop on %s: poort on http://localhost:%s\n' "$db" "$port"
  for sp in a b d; do
    (cd "$root" && "$binary" --config config/poort.toml --database-url "$url" \
      saml sp add --metadata "$work/sp-$sp.xml" --name-id-format persistent)
  done
  (cd "$root" && "$binary" --config config/poort.toml --database-url "$url" \
    saml sp add --metadata "$work/sp-c.xml" --name-id-format persistent --encrypt-assertion)
  (cd "$root" && exec "$binary" --config config/poort.toml --database-url "$url" \
      serve --listen "127.0.0.1:$port" --side-ports auto) >"$work/poort-$db.log" 2>&1 &
  server_pid=$!
  wait_ready "$port" "$work/poort-$db.log"
  if ! "$python" "$here/sp.py" run "$work" "http://localhost:$port"; then
    echo "saml interop: FAILED on $db; poort's log (last 80 lines):" >&2
    tail -n 80 "$work/poort-$db.log" >&2
    exit 1
  fi
  end_pass
}

case $which_db in
  all) run_pass sqlite; run_pass postgres ;;
  *) run_pass "$which_db" ;;
esac
echo "saml interop: all passes succeeded ($which_db)"
