# Helpers shared by the load scripts in this directory (sourced, not run).

# Prints "requests_per_second p99_ms" for one wrk run; the arguments go to wrk.
wrk_figures() {
  wrk --latency "$@" 2>/dev/null | awk '
    /Requests\/sec:/ { rps = $2 }
    $1 == "99%" { v = $2; ms = v + 0;
                  if (v ~ /us$/) ms = ms / 1000; else if (v ~ /ms$/) ms = ms; else if (v ~ /s$/) ms = ms * 1000;
                  p99 = ms }
    END { printf "%.0f %.2f\n", rps, p99 }'
}

# The median of the numbers on standard input, one per line.
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

# Waits (up to 20 minutes) until the search consumer has every outbox event, so indexing
# the seed does not share the CPU with the load. The argument is the SQLite data directory,
# or nothing when DATABASE_URL names a PostgreSQL database. Skipped, with a word, when the
# database's command-line client is missing.
wait_delivered() {
  local sql="select count(*) from outbox_events e \
    where e.id > coalesce((select floor from outbox_floors where consumer = 'search'), 0) \
    and not exists (select 1 from outbox_deliveries d \
      where d.consumer = 'search' and d.event_id = e.id)"
  local client=sqlite3 pending=unknown
  [ -n "${DATABASE_URL:-}" ] && client=psql
  if ! command -v "$client" >/dev/null 2>&1; then
    echo "($client missing: not waiting for the outbox)"
    return 0
  fi
  for _ in $(seq 1 2400); do
    if [ -n "${DATABASE_URL:-}" ]; then pending=$(psql -qtA "$DATABASE_URL" -c "$sql")
    else pending=$(sqlite3 "$1/quire.db" "$sql"); fi
    [ "$pending" = 0 ] && break
    sleep 0.5
  done
  echo "outbox delivered before measuring (search pending: $pending)"
}
