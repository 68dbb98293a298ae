#!/usr/bin/env bash
# Version skew stays visible: every crate compiled in more than one version must be listed
# in .ci/duplicate-crates.txt (with the reason it cannot be unified yet). A new duplicate
# fails CI; a listed crate that is no longer duplicated is reported so the list shrinks.
set -euo pipefail
cd "$(dirname "$0")/.."
allowed=.ci/duplicate-crates.txt
current=$(cargo tree --locked -d --depth 0 -e normal,build --prefix none 2>/dev/null \
  | awk 'NF && $1 !~ /^\[/ {print $1}' | sort -u)
listed=$(grep -v '^#' "$allowed" | awk 'NF {print $1}' | sort -u)
new=$(comm -23 <(echo "$current") <(echo "$listed"))
gone=$(comm -13 <(echo "$current") <(echo "$listed"))
if [ -n "$gone" ]; then
  echo "no longer duplicated (remove from $allowed):"; echo "$gone" | sed 's/^/  /'
fi
if [ -n "$new" ]; then
  echo "new crates compiled in two versions (unify them, or list them with a reason in $allowed):"
  for c in $new; do cargo tree --locked -i "$c" -e normal,build --depth 1 2>/dev/null | head -20; done
  exit 1
fi
echo "duplicate crates: $(echo "$current" | wc -l) known, none new"
