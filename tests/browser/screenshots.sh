#!/usr/bin/env bash
# Regenerates the README pictures in docs/screenshots/ (login page, profile chooser, My
# digital keys; desktop 1280 px and phone 360 px) by running the browser journeys once on
# SQLite with SCREENSHOTS set. Same requirements as run.sh.
#
#   tests/browser/screenshots.sh POORT_BINARY
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
SCREENSHOTS="$root/docs/screenshots" exec "$here/run.sh" "${1:?usage: tests/browser/screenshots.sh POORT_BINARY}" sqlite
