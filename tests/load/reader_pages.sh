#!/usr/bin/env bash
# Load test: Quire's reader pages against nginx serving the very same bytes as static files.
#
#   bash tests/load/reader_pages.sh     # defaults: 10,000 posts of ~2,000 words, 10 comments
#   POSTS=1000 DURATION=20s ROUNDS=5 bash tests/load/reader_pages.sh
#   PAGE_CACHE_MB=0 bash tests/load/reader_pages.sh                  # page cache off
#   DATABASE_URL=postgres://postgres@127.0.0.1/quire_load bash tests/load/reader_pages.sh
#
# Seeds a fresh site with `quire demo` (SQLite in a temporary directory unless DATABASE_URL
# names a PostgreSQL database, which must exist and be empty), the newest post carrying
# COMMENTS comments; starts the release build of quire and a plain nginx (Debian's package) on
# loopback, saves each page's bytes for nginx, then runs wrk (2 threads, 32 connections)
# against both in alternation, ROUNDS times, and prints the median requests/s, median p99
# latency and the ratio quire/nginx per page (the api-* rows are the JSON API, never
# page-cached: the raw engine). "post-in" is the same post page for a signed-in reader who
# has not commented on it (filled from the signed-in template), "post-own" for one who has
# (the template with their own comment section), both compared with nginx serving the anonymous bytes. Also
# prints the cold start (empty data directory to first 200), the post page's time to first
# byte with the cache off (one request at a time, median of 200), and quire's resident
# memory after the run. Installs nginx and wrk with apt-get if they are missing.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/load/lib.sh
source "$ROOT/tests/load/lib.sh"
POSTS=${POSTS:-10000}
COMMENTS=${COMMENTS:-10}
PAGE_CACHE_MB=${PAGE_CACHE_MB:-16}
WORDS=${WORDS:-2000}
DURATION=${DURATION:-10s}
ROUNDS=${ROUNDS:-3}
CONNECTIONS=${CONNECTIONS:-32}
QUIRE_PORT=${QUIRE_PORT:-18180}
NGINX_PORT=${NGINX_PORT:-18181}

for tool in nginx wrk curl; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    apt-get install -y -qq "$tool" >/dev/null || { apt-get update -qq && apt-get install -y -qq "$tool" >/dev/null; }
  fi
done
NGINX=$(command -v nginx)

cd "$ROOT"
cargo build --release --quiet --bin quire
QUIRE="${CARGO_TARGET_DIR:-$ROOT/target}/release/quire"

WORK=$(mktemp -d /tmp/quire-load.XXXXXX)
chmod 755 "$WORK"
QUIRE_PID=""
cleanup() {
  [ -n "$QUIRE_PID" ] && kill "$QUIRE_PID" 2>/dev/null || true
  [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
  sleep 0.5
  rm -rf "$WORK"
}
trap cleanup EXIT

export RUST_LOG=warn
unset QUIRE_DATA_DIR QUIRE_BIND QUIRE_CONFIG QUIRE_PAGE_CACHE_MB

# Cold start: an empty data directory, migrated, to the first 200 on the home page.
start=$(date +%s%N)
"$QUIRE" serve --data-dir "$WORK/cold" --database-url "sqlite://$WORK/cold/quire.db" \
  --bind "127.0.0.1:$QUIRE_PORT" >"$WORK/cold.log" 2>&1 &
QUIRE_PID=$!
until curl -fsS -o /dev/null "http://127.0.0.1:$QUIRE_PORT/" 2>/dev/null; do sleep 0.005; done
COLD_MS=$(( ($(date +%s%N) - start) / 1000000 ))
kill "$QUIRE_PID"; wait "$QUIRE_PID" 2>/dev/null || true; QUIRE_PID=""

DB_ARGS=()
[ -n "${DATABASE_URL:-}" ] && DB_ARGS=(--database-url "$DATABASE_URL")
echo "seeding $POSTS posts of ~$WORDS words and $COMMENTS comments..."
"$QUIRE" demo --data-dir "$WORK/data" "${DB_ARGS[@]}" --posts "$POSTS" --words "$WORDS" \
  --comments "$COMMENTS" >/dev/null 2>&1

serve() { # port, page cache MiB
  "$QUIRE" serve --data-dir "$WORK/data" "${DB_ARGS[@]}" --bind "127.0.0.1:$1" \
    --page-cache-mb "$2" >>"$WORK/quire.log" 2>&1 &
  echo $!
}
wait_ready() {
  for _ in $(seq 1 200); do
    curl -fsS "http://127.0.0.1:$1/healthz" >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  return 1
}

# Time to first byte of the post page with no cache: one request at a time.
UNCACHED_PID=$(serve "$NGINX_PORT" 0)
wait_ready "$NGINX_PORT"
FIRST_SLUG=$(curl -fsS "http://127.0.0.1:$NGINX_PORT/" | grep -o 'href="/posts/[^"]*"' | head -n 1 | sed 's|href="/posts/||; s|"||')
for _ in $(seq 1 200); do
  curl -s -o /dev/null -w '%{time_starttransfer}\n' "http://127.0.0.1:$NGINX_PORT/posts/$FIRST_SLUG"
done | sort -n | awk '{ a[NR] = $1 } END { printf "%.2f\n", a[int((NR + 1) / 2)] * 1000 }' >"$WORK/miss.txt"
kill "$UNCACHED_PID"; wait "$UNCACHED_PID" 2>/dev/null || true

QUIRE_PID=$(serve "$QUIRE_PORT" "$PAGE_CACHE_MB")
wait_ready "$QUIRE_PORT"
# Measure the steady state: let the relay deliver the seed's events first (search indexes
# every post once), so indexing does not share the CPU with the load.
wait_delivered "$WORK/data"
# On PostgreSQL, what autovacuum does on a live site after a bulk load: planner statistics
# and the visibility map (see backends.sh; this machine's server runs with autovacuum off).
[ -n "${DATABASE_URL:-}" ] && psql -qX "$DATABASE_URL" -c "vacuum analyze" >/dev/null

# Signed-in sessions. "post-in": a reader who has not commented on the post (their page is
# filled from the signed-in template); "post-own": reader1, who wrote some of its comments
# (the template with their own comment section and edit links, as for the post's author and
# editors).
# Usage: signed_in_session PAGE FIELD=VALUE...: posts PAGE's form with its CSRF token.
signed_in_session() {
  local page=$1 jar="$WORK/jar-$RANDOM"; shift
  local form token args=()
  form=$(curl -fsS -c "$jar" "http://127.0.0.1:$QUIRE_PORT$page")
  token=$(grep -o 'name="csrf_token" value="[^"]*"' <<<"$form" | head -n 1 | sed 's/.*value="//; s/"$//')
  for field in "$@"; do args+=(--data-urlencode "$field"); done
  curl -fsS -b "$jar" -c "$jar" -o /dev/null "http://127.0.0.1:$QUIRE_PORT$page" \
    --data-urlencode "csrf_token=$token" "${args[@]}"
  awk '$6 == "quire_session" { print $7 }' "$jar"
}
SESSION=$(signed_in_session /signup username=visitor email=visitor@example.org \
  "password=visitor password 123")
SESSION_OWN=$(signed_in_session /login login=reader1 "password=demo password 123" next=/)
[ -n "$SESSION" ] && [ -n "$SESSION_OWN" ] || { echo "could not sign in" >&2; exit 1; }

SLUG=$(curl -fsS "http://127.0.0.1:$QUIRE_PORT/" | grep -o 'href="/posts/[^"]*"' | head -n 1 | sed 's|href="/posts/||; s|"||')
TAG=$(curl -fsS "http://127.0.0.1:$QUIRE_PORT/posts/$SLUG" | grep -o 'href="/tags/[^"]*"' | head -n 1 | sed 's|href="/tags/||; s|"||')
# name|path on quire|content type
PAGES="post|/posts/$SLUG|text/html
post-in|/posts/$SLUG|text/html
post-own|/posts/$SLUG|text/html
home|/|text/html
tag|/tags/$TAG|text/html
atom|/feed.atom|application/atom+xml
api-list|/api/articles|application/json
api-one|/api/articles/$SLUG|application/json
api-tags|/api/tags|application/json"

mkdir -p "$WORK/static"
while IFS='|' read -r name path _type; do
  curl -fsS "http://127.0.0.1:$QUIRE_PORT$path" -o "$WORK/static/$name"
done <<<"$PAGES"
cp "$WORK/static/post" "$WORK/static/post-in"
cp "$WORK/static/post" "$WORK/static/post-own"

cat >"$WORK/nginx.conf" <<CONF
worker_processes auto;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $WORK/static;
    location = /post { default_type "text/html; charset=utf-8"; }
    location = /post-in { default_type "text/html; charset=utf-8"; }
    location = /post-own { default_type "text/html; charset=utf-8"; }
    location = /home { default_type "text/html; charset=utf-8"; }
    location = /tag { default_type "text/html; charset=utf-8"; }
    location = /atom { default_type "application/atom+xml; charset=utf-8"; }
    location ~ ^/api- { default_type "application/json"; }
  }
}
CONF
"$NGINX" -c "$WORK/nginx.conf" -p "$WORK"
sleep 0.3

# Prints "requests_per_second p99_ms" for one wrk run of URL, with session SESSION if given.
measure() { # url [session]
  local header=()
  [ -n "${2:-}" ] && header=(-H "Cookie: quire_session=$2")
  wrk_figures -t2 -c"$CONNECTIONS" -d"$DURATION" "${header[@]}" "$1"
}

printf "%-6s %8s %12s %10s %12s %10s %7s\n" page bytes quire_rps quire_p99 nginx_rps nginx_p99 ratio
while IFS='|' read -r name path _type; do
  bytes=$(wc -c <"$WORK/static/$name")
  : >"$WORK/q.txt"; : >"$WORK/n.txt"
  for _ in $(seq 1 "$ROUNDS"); do
    session=""
    [ "$name" = post-in ] && session=$SESSION
    [ "$name" = post-own ] && session=$SESSION_OWN
    measure "http://127.0.0.1:$QUIRE_PORT$path" "$session" >>"$WORK/q.txt"
    measure "http://127.0.0.1:$NGINX_PORT/$name" >>"$WORK/n.txt"
  done
  q_rps=$(cut -d' ' -f1 "$WORK/q.txt" | median); q_p99=$(cut -d' ' -f2 "$WORK/q.txt" | median)
  n_rps=$(cut -d' ' -f1 "$WORK/n.txt" | median); n_p99=$(cut -d' ' -f2 "$WORK/n.txt" | median)
  ratio=$(awk -v q="$q_rps" -v n="$n_rps" 'BEGIN { printf "%.2f", (n > 0 ? q / n : 0) }')
  printf "%-6s %8s %12s %8sms %12s %8sms %7s\n" "$name" "$bytes" "$q_rps" "$q_p99" "$n_rps" "$n_p99" "$ratio"
done <<<"$PAGES"
echo "post page comments: $(grep -c 'id="comment-' "$WORK/static/post" || true)"
echo "cold start (empty data dir to first 200): ${COLD_MS} ms"
echo "post page time to first byte, page cache off: $(cat "$WORK/miss.txt") ms (median of 200)"
echo "quire RSS after the run: $(awk '/VmRSS/ { print $2, $3 }' /proc/$QUIRE_PID/status) (page cache ${PAGE_CACHE_MB} MiB;" \
  "anonymous $(awk '/RssAnon/ { print $2, $3 }' /proc/$QUIRE_PID/status)," \
  "file-backed $(awk '/RssFile/ { print $2, $3 }' /proc/$QUIRE_PID/status): the binary and the search index's memory maps)"
