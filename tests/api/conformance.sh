#!/usr/bin/env bash
# API conformance: the unmodified RealWorld Postman collection (newman) and schemathesis
# (against Quire's own /api/openapi.json) on a freshly started quire, per backend.
#
#   bash tests/api/conformance.sh                       # SQLite and PostgreSQL
#   BACKENDS=sqlite bash tests/api/conformance.sh       # SQLite only
#   SCHEMATHESIS=0 bash tests/api/conformance.sh        # newman only
#
# Builds the debug `quire` binary, starts `quire serve` on a temporary data directory (and,
# for PostgreSQL, a fresh database on QUIRE_TEST_POSTGRES_URL's server, dropped afterwards)
# on a free port, waits for /healthz, runs newman and checks its statistics (assertions run
# > 0, none failed, no request failed), then schemathesis (no 5xx, every response as the
# document says), then stops the server. Installs newman (npm) and schemathesis (pip) when
# missing. Fails on any failure.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
BACKENDS=${BACKENDS:-"sqlite postgres"}
SCHEMATHESIS=${SCHEMATHESIS:-1}
MAX_EXAMPLES=${MAX_EXAMPLES:-100}
PG_URL=${QUIRE_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}
COLLECTION="$ROOT/tests/api/Conduit.postman_collection.json"

command -v newman >/dev/null 2>&1 || npm install -g --silent newman
if [ "$SCHEMATHESIS" = 1 ] && ! command -v schemathesis >/dev/null 2>&1; then
  python3 -m pip install --quiet --disable-pip-version-check schemathesis
fi

cargo build --quiet --bin quire
TARGET=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
QUIRE="$TARGET/debug/quire"

WORK=$(mktemp -d /tmp/quire-conformance.XXXXXX)
PID=""
DB_NAME=""
cleanup() {
  if [ -n "$PID" ]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi
  if [ -n "$DB_NAME" ]; then psql "$PG_URL" -qAtc "drop database if exists $DB_NAME" >/dev/null 2>&1 || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
export RUST_LOG=${RUST_LOG:-warn}
unset QUIRE_DATA_DIR QUIRE_BIND QUIRE_CONFIG DATABASE_URL QUIRE_CORS_ORIGINS

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

run_backend() {
  local backend=$1 port data db_url
  port=$(free_port)
  data="$WORK/$backend"
  mkdir -p "$data"
  if [ "$backend" = postgres ]; then
    DB_NAME="quire_conformance_$$"
    psql "$PG_URL" -qAtc "drop database if exists $DB_NAME" >/dev/null
    psql "$PG_URL" -qAtc "create database $DB_NAME" >/dev/null
    db_url="${PG_URL%/*}/$DB_NAME"
  else
    db_url="sqlite://$data/quire.db"
  fi
  "$QUIRE" serve --bind "127.0.0.1:$port" --data-dir "$data" --database-url "$db_url" \
    >"$data/server.log" 2>&1 &
  PID=$!
  for _ in $(seq 1 200); do
    curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    sleep 0.05
  done
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null || { cat "$data/server.log"; return 1; }

  echo "== newman on $backend (port $port)"
  local user="u${RANDOM}${RANDOM}" password="correct horse battery $RANDOM"
  newman run "$COLLECTION" --delay-request 1 \
    --env-var "APIURL=http://127.0.0.1:$port/api" \
    --env-var "USERNAME=$user" --env-var "EMAIL=$user@example.org" \
    --env-var "PASSWORD=$password" \
    --reporters cli,json --reporter-json-export "$data/newman.json" \
    || true # judged from the statistics below, not the exit code alone
  python3 - "$data/newman.json" "$backend" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))["run"]
stats = run["stats"]
total, failed = stats["assertions"]["total"], stats["assertions"]["failed"]
requests = stats["requests"]["total"]
print(f"newman {sys.argv[2]}: {requests} requests, {total} assertions, {failed} failed")
for failure in run.get("failures", []):
    print("  FAILED:", failure["source"].get("name"), "-", failure["error"].get("message"))
sys.exit(0 if requests > 0 and total > 0 and failed == 0 and not run.get("failures") else 1)
PY

  if [ "$SCHEMATHESIS" = 1 ]; then
    echo "== schemathesis on $backend"
    # newman's account is the site's first, so its admin: its token reaches every
    # operation. An article and a profile to aim at give the path parameters real values.
    local base="http://127.0.0.1:$port/api" token
    token=$(curl -fsS -X POST "$base/users/login" -H 'Content-Type: application/json' \
      -d "{\"user\":{\"email\":\"$user@example.org\",\"password\":\"$password\"}}" \
      | python3 -c 'import json,sys; print(json.load(sys.stdin)["user"]["token"])')
    curl -fsS -o /dev/null -X POST "$base/articles" -H 'Content-Type: application/json' \
      -H "Authorization: Token $token" \
      -d '{"article":{"title":"Schemathesis target","description":"d","body":"b","tagList":["t"]}}'
    cat >"$data/schemathesis.toml" <<TOML
[parameters]
"path.slug" = "schemathesis-target"
"path.username" = "celeb_$user"
TOML
    schemathesis --config-file "$data/schemathesis.toml" run "$base/openapi.json" \
      --url "http://127.0.0.1:$port" \
      --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
      --header "Authorization: Token $token" \
      --max-examples "$MAX_EXAMPLES" --seed 42 \
      --phases examples,coverage,fuzzing,stateful
  fi

  kill "$PID"; wait "$PID" 2>/dev/null || true; PID=""
  if [ "$backend" = postgres ]; then
    psql "$PG_URL" -qAtc "drop database if exists $DB_NAME" >/dev/null; DB_NAME=""
  fi
}

for backend in $BACKENDS; do
  run_backend "$backend"
done
echo "API conformance passed"
