#!/usr/bin/env bash
# Load test: the same reader pages and API requests on SQLite and on PostgreSQL, page cache
# off, side by side (the raw engine on each backend).
#
#   bash tests/load/backends.sh                 # 2,000 posts of ~2,000 words, 10 comments
#   POSTS=500 DURATION=5s ROUNDS=3 bash tests/load/backends.sh
#   PG_SERVER='postgres://postgres@127.0.0.1:5432' bash tests/load/backends.sh   # over TCP
#
# Seeds one site with `quire demo` on each backend (SQLite in a temporary directory; on
# PostgreSQL a database of its own, created on PG_SERVER and dropped afterwards), starts the
# release build with `--page-cache-mb 0` on each, waits until each outbox is delivered, then
# runs wrk (2 threads, 32 connections) against both in alternation, ROUNDS times, and prints
# the median requests/s and p99 per backend and the ratio SQLite / PostgreSQL per row.
#
# PG_SERVER defaults to the local server's Unix socket: PostgreSQL on the same machine is
# best reached that way. Over TCP to 127.0.0.1, libpq negotiates TLS when the server offers
# it (Debian's does), and encrypting every row cost about a tenth of the CPU here.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/load/lib.sh
source "$ROOT/tests/load/lib.sh"
POSTS=${POSTS:-2000}
WORDS=${WORDS:-2000}
COMMENTS=${COMMENTS:-10}
DURATION=${DURATION:-5s}
ROUNDS=${ROUNDS:-3}
CONNECTIONS=${CONNECTIONS:-32}
SQLITE_PORT=${SQLITE_PORT:-18190}
PG_PORT=${PG_PORT:-18191}
PG_SERVER=${PG_SERVER:-postgres://postgres@/?host=/var/run/postgresql}
PG_DB="quire_load_$$"

command -v wrk >/dev/null 2>&1 || apt-get install -y -qq wrk >/dev/null
cd "$ROOT"
cargo build --release --quiet --bin quire
QUIRE="${CARGO_TARGET_DIR:-$ROOT/target}/release/quire"

# The URL of database $1 on PG_SERVER (which may carry a query string).
pg_url() {
  local base=${PG_SERVER%%\?*} query=""
  [ "$PG_SERVER" != "$base" ] && query="?${PG_SERVER#*\?}"
  echo "${base%/}/$1$query"
}
PG_URL=$(pg_url "$PG_DB")

WORK=$(mktemp -d /tmp/quire-backends.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  psql -qX "$(pg_url postgres)" -c "drop database if exists $PG_DB" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
export RUST_LOG=warn
unset QUIRE_DATA_DIR QUIRE_BIND QUIRE_CONFIG DATABASE_URL

psql -qX "$(pg_url postgres)" -c "create database $PG_DB" >/dev/null
echo "seeding $POSTS posts of ~$WORDS words and $COMMENTS comments on each backend..."
"$QUIRE" demo --data-dir "$WORK/sqlite" --posts "$POSTS" --words "$WORDS" \
  --comments "$COMMENTS" >/dev/null 2>&1
"$QUIRE" demo --data-dir "$WORK/pg" --database-url "$PG_URL" --posts "$POSTS" \
  --words "$WORDS" --comments "$COMMENTS" >/dev/null 2>&1

serve() { # data dir, port, extra arguments...
  local dir=$1 port=$2; shift 2
  "$QUIRE" serve --data-dir "$dir" --bind "127.0.0.1:$port" --page-cache-mb 0 "$@" \
    >>"$WORK/quire.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 400); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && return 0; sleep 0.05; done
  echo "quire did not start on port $port" >&2; return 1
}
serve "$WORK/sqlite" "$SQLITE_PORT"
serve "$WORK/pg" "$PG_PORT" --database-url "$PG_URL"
wait_delivered "$WORK/sqlite"
DATABASE_URL=$PG_URL wait_delivered
# What autovacuum does within a minute or so of a bulk load on a live site: planner
# statistics (without them PostgreSQL plans as if every tag were rare) and the visibility
# map (without it an index-only scan still visits the table). This machine's PostgreSQL runs
# with autovacuum off, so the script does it.
psql -qX "$PG_URL" -c "vacuum analyze" >/dev/null

# The demo seeds the same posts on both, so the same paths exist on both.
SLUG=$(curl -fsS "http://127.0.0.1:$SQLITE_PORT/" | grep -o 'href="/posts/[^"]*"' | head -n 1 | sed 's|href="/posts/||; s|"||')
TAG=$(curl -fsS "http://127.0.0.1:$SQLITE_PORT/posts/$SLUG" | grep -o 'href="/tags/[^"]*"' | head -n 1 | sed 's|href="/tags/||; s|"||')
PAGES="post|/posts/$SLUG
home|/
tag|/tags/$TAG
atom|/feed.atom
api-list|/api/articles
api-one|/api/articles/$SLUG
api-tags|/api/tags"

printf "%-9s %11s %11s %11s %11s %7s\n" page sqlite_rps sqlite_p99 pg_rps pg_p99 ratio
while IFS='|' read -r name path; do
  : >"$WORK/s.txt"; : >"$WORK/p.txt"
  for _ in $(seq 1 "$ROUNDS"); do
    wrk_figures -t2 -c"$CONNECTIONS" -d"$DURATION" "http://127.0.0.1:$SQLITE_PORT$path" >>"$WORK/s.txt"
    wrk_figures -t2 -c"$CONNECTIONS" -d"$DURATION" "http://127.0.0.1:$PG_PORT$path" >>"$WORK/p.txt"
  done
  s_rps=$(cut -d' ' -f1 "$WORK/s.txt" | median); s_p99=$(cut -d' ' -f2 "$WORK/s.txt" | median)
  p_rps=$(cut -d' ' -f1 "$WORK/p.txt" | median); p_p99=$(cut -d' ' -f2 "$WORK/p.txt" | median)
  ratio=$(awk -v s="$s_rps" -v p="$p_rps" 'BEGIN { printf "%.2f", (p > 0 ? s / p : 0) }')
  printf "%-9s %11s %9sms %11s %9sms %7s\n" "$name" "$s_rps" "$s_p99" "$p_rps" "$p_p99" "$ratio"
done <<<"$PAGES"
echo "(ratio: SQLite requests/s over PostgreSQL's; page cache off on both; PostgreSQL at ${PG_SERVER})"
