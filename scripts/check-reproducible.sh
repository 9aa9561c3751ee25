#!/usr/bin/env bash
# Builds the widget twice, each time from a fresh clone of the committed HEAD in a folder of its
# own (its own target/, node_modules/ and pinned nightly, nothing reused), and compares every
# file of the two pkg/: the hashes `npm run build` prints and a CDN serves must be the ones any
# machine builds from that commit. Run before a release (about 8 minutes on 2 cores), not in
# every CI run: `npm run check-reproducible`.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
commit=$(git rev-parse --short HEAD)
for n in 1 2; do
  git clone -q . "$work/$n"
  echo "== build $n of $commit in $work/$n"
  (cd "$work/$n" && unset CARGO_TARGET_DIR && bash scripts/build-widget.sh > "$work/build-$n.log" 2>&1) ||
    { tail -20 "$work/build-$n.log"; exit 1; }
  (cd "$work/$n/pkg" && find . -type f | sort | xargs sha256sum) > "$work/sums-$n"
done
if diff "$work/sums-1" "$work/sums-2"; then
  echo "== pkg/ is byte-identical in two clean builds of $commit: $(wc -l < "$work/sums-1") files ($(grep -o '"rustc": "[^"]*"' "$work/1/pkg/build.json"))"
else
  echo "== pkg/ differs between two clean builds of $commit (the lines above)" >&2
  exit 1
fi
