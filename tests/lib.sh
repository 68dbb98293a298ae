# shellcheck shell=bash
# What the scripts that drive a live Poort share (tests/interop/run.sh,
# tests/saml_interop/run.sh, tests/browser/run.sh, bench/overload.sh): a work directory that
# goes at exit together with the server and the PostgreSQL database of the pass, a free
# port, a fresh database, waiting for /readyz, and ending a pass.
#
#   name=interop pg_base=postgres://…; . "$root/tests/lib.sh"
#
# `name` prefixes the messages and the PostgreSQL database names; `pg_base` defaults to
# postgres://postgres@127.0.0.1:5432. Sets `work`; the scripts set `server_pid` when they
# start Poort in the background.
pg_base=${pg_base:-postgres://postgres@127.0.0.1:5432}
work=$(mktemp -d)
server_pid=""
pg_db=""

lib_cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  if [ -n "$pg_db" ]; then psql "$pg_base/postgres" -q -c "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null || true; fi
  rm -rf "$work"
}
trap lib_cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# fresh_database sqlite|postgres SQLITE_FILE — sets db_url to an empty database: the SQLite
# file, or a new PostgreSQL database (dropped by end_pass or at exit).
fresh_database() {
  case $1 in
    sqlite) db_url="sqlite://$2" ;;
    postgres)
      pg_db="poort_${name}_$(date +%s)_$$"
      psql "$pg_base/postgres" -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE $pg_db" >/dev/null
      db_url="$pg_base/$pg_db" ;;
    *) echo "$name: unknown database $1 (sqlite|postgres|all)" >&2; exit 2 ;;
  esac
}

# wait_ready PORT LOG [TRIES] — waits (0.2 s a try, 150 tries by default) until the server
# started as $server_pid answers /readyz; if it stops or never does, prints LOG and exits.
wait_ready() {
  local port=$1 log=$2 tries=${3:-150} _
  for _ in $(seq 1 "$tries"); do
    if ! kill -0 "$server_pid" 2>/dev/null; then break; fi
    if curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then return 0; fi
    sleep 0.2
  done
  echo "$name: poort did not become ready; its log:" >&2
  cat "$log" >&2
  exit 1
}

# end_pass — stops the server and drops the pass's PostgreSQL database.
end_pass() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  server_pid=""
  if [ -n "$pg_db" ]; then psql "$pg_base/postgres" -q -c "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null; fi
  pg_db=""
}
