#!/usr/bin/env bash
# Load on `cairn serve`: wrk with 64 connections for 30 seconds against the
# shipped atlas (a copy in a temporary folder), rotating over ten existing
# pages, while a script edits a content file every second so the server
# keeps rebuilding. Needs `apt-get install wrk`. Prints wrk's report;
# "Non-2xx" must not appear and socket errors must be zero.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$work/site"
cp -r site.toml content "$work/site/"
./target/release/cairn serve --root "$work/site" --port 0 > "$work/serve.log" 2>&1 &
for _ in $(seq 1 100); do
  grep -q "serving" "$work/serve.log" && break
  sleep 0.1
done
port=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\)\/.*/\1/p' "$work/serve.log" | head -1)
echo "cairn serve on port $port"
(
  for i in $(seq 1 32); do
    printf '\nLoad test edit number %s.\n' "$i" >> "$work/site/content/roles/product-owner.md"
    sleep 1
  done
) &
wrk -t2 -c64 -d30s --latency -s bench/wrk-pages.lua "http://127.0.0.1:$port/"
echo "rebuilds during the run: $(grep -c 'rebuilt in' "$work/serve.log")"
grep 'rebuilt in' "$work/serve.log" | tail -3
