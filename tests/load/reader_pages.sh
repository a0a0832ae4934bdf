#!/usr/bin/env bash
# Load test: Quire's reader pages against nginx serving the very same bytes as static files.
#
#   bash tests/load/reader_pages.sh            # defaults: 100 posts of ~2,000 words, 10 s runs
#   POSTS=1000 DURATION=20s ROUNDS=5 bash tests/load/reader_pages.sh
#
# Seeds a fresh site with `quire demo` (SQLite), starts the release build of quire and a
# plain nginx (Debian's package) on loopback, saves each page's bytes for nginx, then runs
# wrk (2 threads, 32 connections) against both in alternation, ROUNDS times, and prints the
# median requests/s, median p99 latency and the ratio quire/nginx per page. Installs nginx
# and wrk with apt-get if they are missing. Everything stops at the end.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
POSTS=${POSTS:-100}
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
QUIRE="$ROOT/target/release/quire"

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
"$QUIRE" demo --data-dir "$WORK/data" --posts "$POSTS" --words "$WORDS" >/dev/null 2>&1
"$QUIRE" serve --data-dir "$WORK/data" --bind "127.0.0.1:$QUIRE_PORT" >"$WORK/quire.log" 2>&1 &
QUIRE_PID=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$QUIRE_PORT/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done

SLUG=$(curl -fsS "http://127.0.0.1:$QUIRE_PORT/" | grep -o 'href="/posts/[^"]*"' | head -n 1 | sed 's|href="/posts/||; s|"||')
TAG=$(curl -fsS "http://127.0.0.1:$QUIRE_PORT/posts/$SLUG" | grep -o 'href="/tags/[^"]*"' | head -n 1 | sed 's|href="/tags/||; s|"||')
# name|path on quire|content type
PAGES="post|/posts/$SLUG|text/html
home|/|text/html
tag|/tags/$TAG|text/html
atom|/feed.atom|application/atom+xml"

mkdir -p "$WORK/static"
while IFS='|' read -r name path _type; do
  curl -fsS "http://127.0.0.1:$QUIRE_PORT$path" -o "$WORK/static/$name"
done <<<"$PAGES"

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
    location = /home { default_type "text/html; charset=utf-8"; }
    location = /tag { default_type "text/html; charset=utf-8"; }
    location = /atom { default_type "application/atom+xml; charset=utf-8"; }
  }
}
CONF
"$NGINX" -c "$WORK/nginx.conf" -p "$WORK"
sleep 0.3

# Prints "requests_per_second p99_ms" for one wrk run.
measure() {
  wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "$1" 2>/dev/null | awk '
    /Requests\/sec:/ { rps = $2 }
    $1 == "99%" { v = $2; ms = v + 0;
                  if (v ~ /us$/) ms = ms / 1000; else if (v ~ /ms$/) ms = ms; else if (v ~ /s$/) ms = ms * 1000;
                  p99 = ms }
    END { printf "%.0f %.2f\n", rps, p99 }'
}
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

printf "%-6s %8s %12s %10s %12s %10s %7s\n" page bytes quire_rps quire_p99 nginx_rps nginx_p99 ratio
while IFS='|' read -r name path _type; do
  bytes=$(wc -c <"$WORK/static/$name")
  : >"$WORK/q.txt"; : >"$WORK/n.txt"
  for _ in $(seq 1 "$ROUNDS"); do
    measure "http://127.0.0.1:$QUIRE_PORT$path" >>"$WORK/q.txt"
    measure "http://127.0.0.1:$NGINX_PORT/$name" >>"$WORK/n.txt"
  done
  q_rps=$(cut -d' ' -f1 "$WORK/q.txt" | median); q_p99=$(cut -d' ' -f2 "$WORK/q.txt" | median)
  n_rps=$(cut -d' ' -f1 "$WORK/n.txt" | median); n_p99=$(cut -d' ' -f2 "$WORK/n.txt" | median)
  ratio=$(awk -v q="$q_rps" -v n="$n_rps" 'BEGIN { printf "%.2f", (n > 0 ? q / n : 0) }')
  printf "%-6s %8s %12s %8sms %12s %8sms %7s\n" "$name" "$bytes" "$q_rps" "$q_p99" "$n_rps" "$n_p99" "$ratio"
done <<<"$PAGES"
echo "quire RSS after the run: $(awk '/VmRSS/ { print $2, $3 }' /proc/$QUIRE_PID/status)"
