#!/usr/bin/env bash
# Load test of the JSON API, the raw engine (the API is never page-cached), on SQLite.
#
#   bash tests/load/api.sh                      # 2,000 posts of ~2,000 words, 10 comments
#   POSTS=500 DURATION=5s ROUNDS=3 bash tests/load/api.sh
#   SEED_CACHE=/tmp/quire-api-seed bash tests/load/api.sh   # seed once, reuse a copy later
#
# Seeds a site with `quire demo` (or copies the one kept in SEED_CACHE), starts the release
# build on loopback, waits until the outbox has delivered the seed's events, then runs wrk
# (2 threads, 32 connections) ROUNDS times against GET /api/articles, /api/articles/{slug}
# and /api/tags, and prints the median requests/s and p99. Then one client in sequence
# (wrk -t1 -c1, tests/load/api_create.lua) creates articles with POST /api/articles as the
# demo author, each with a unique title, and prints writes/s and p99 the same way.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/load/lib.sh
source "$ROOT/tests/load/lib.sh"
POSTS=${POSTS:-2000}
WORDS=${WORDS:-2000}
COMMENTS=${COMMENTS:-10}
DURATION=${DURATION:-10s}
ROUNDS=${ROUNDS:-3}
CONNECTIONS=${CONNECTIONS:-32}
PORT=${PORT:-18290}
SEED_CACHE=${SEED_CACHE:-}

command -v wrk >/dev/null 2>&1 || apt-get install -y -qq wrk >/dev/null
cd "$ROOT"
cargo build --release --quiet --bin quire
QUIRE="${CARGO_TARGET_DIR:-$ROOT/target}/release/quire"

WORK=$(mktemp -d /tmp/quire-api-load.XXXXXX)
PID=""
cleanup() {
  if [ -n "$PID" ]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
export RUST_LOG=warn
unset QUIRE_DATA_DIR QUIRE_BIND QUIRE_CONFIG DATABASE_URL

seed() { # directory
  echo "seeding $POSTS posts of ~$WORDS words and $COMMENTS comments..." >&2
  "$QUIRE" demo --data-dir "$1" --posts "$POSTS" --words "$WORDS" --comments "$COMMENTS" \
    >/dev/null 2>&1
}
start() { # data directory
  "$QUIRE" serve --data-dir "$1" --bind "127.0.0.1:$PORT" >>"$WORK/quire.log" 2>&1 &
  PID=$!
  for _ in $(seq 1 400); do curl -fsS "$BASE/healthz" >/dev/null 2>&1 && break; sleep 0.05; done
}
stop() {
  kill "$PID"; wait "$PID" 2>/dev/null || true; PID=""
}
# Measure the steady state: the relay has delivered the seed's events (search indexed every
# post once), so indexing does not share the CPU with the load.
BASE="http://127.0.0.1:$PORT"
if [ -n "$SEED_CACHE" ]; then
  if [ ! -f "$SEED_CACHE/delivered" ]; then
    rm -rf "$SEED_CACHE"
    seed "$SEED_CACHE"
    start "$SEED_CACHE"; wait_delivered "$SEED_CACHE"; stop
    touch "$SEED_CACHE/delivered"
  fi
  cp -a "$SEED_CACHE" "$WORK/data"
else
  seed "$WORK/data"
fi

start "$WORK/data"
wait_delivered "$WORK/data"

SLUG=$(curl -fsS "$BASE/api/articles?limit=1" | grep -o '"slug":"[^"]*"' | head -n 1 | sed 's/"slug":"//; s/"$//')

report() { # name, file of "rps p99" lines
  printf "%-10s %10s req/s %8s ms p99\n" "$1" "$(cut -d' ' -f1 "$2" | median)" "$(cut -d' ' -f2 "$2" | median)"
}

for row in "api-list|/api/articles" "api-one|/api/articles/$SLUG" "api-tags|/api/tags"; do
  name=${row%%|*}; path=${row#*|}
  : >"$WORK/r.txt"
  for _ in $(seq 1 "$ROUNDS"); do
    wrk_figures -t2 -c"$CONNECTIONS" -d"$DURATION" "$BASE$path" >>"$WORK/r.txt"
  done
  report "$name" "$WORK/r.txt"
done

TOKEN=$(curl -fsS -H 'Content-Type: application/json' "$BASE/api/users/login" \
  -d '{"user":{"email":"demo@demo.invalid","password":"demo password 123"}}' |
  grep -o '"token":"[^"]*"' | sed 's/"token":"//; s/"$//')
: >"$WORK/w.txt"
for round in $(seq 1 "$ROUNDS"); do
  TOKEN=$TOKEN RUN="$$-$round" wrk_figures -t1 -c1 -d"$DURATION" -s "$ROOT/tests/load/api_create.lua" \
    "$BASE/api/articles" >>"$WORK/w.txt"
done
report "api-create" "$WORK/w.txt"
echo "articles after the run: $(sqlite3 "$WORK/data/quire.db" "select count(*) from posts")"
