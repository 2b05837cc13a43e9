#!/usr/bin/env bash
# A local scale-out run of INS'pir Events: N server processes on this machine, on
# PostgreSQL + Redis, sharing Socket.IO rooms through Redis (see docs/deployment.md).
#
#   docs/scale-out-local.sh                 # 2 processes on 8101 and 8102 until Ctrl-C
#   PORTS="8101 8102 8103" docs/scale-out-local.sh
#   DURATION=30 docs/scale-out-local.sh     # stop by itself after 30 s
#   DATABASE_URL=postgresql://me@127.0.0.1/inspir_bench docs/scale-out-local.sh
#
# Environment (all optional):
#   PORTS          ports of the processes                  "8101 8102"
#   HOST           address they listen on                  127.0.0.1
#   SERVER         gunicorn | wsgi  (python wsgi.py)       gunicorn when installed, else wsgi
#   DATABASE_URL   a PostgreSQL database to use as is; without it a fresh schema is made in
#   PG_URL         (this database)                         postgresql://postgres@127.0.0.1:5432/test
#                  and dropped on exit unless KEEP_SCHEMA=1
#   REDIS_URL      the message queue and leader lock      redis://127.0.0.1:6379/0
#   SOCKETIO_CHANNEL  Redis channel and key prefix         inspir-scaleout-<run id>
#   INSPIR_CONFIG  production | development                production (Secure cookies: a
#                  browser accepts them on http://127.0.0.1; scripted http clients need
#                  INSPIR_CONFIG=development)
#   SECRET_KEY     shared by every process                 a random one per run
#   DURATION       seconds to run, 0 = until Ctrl-C        0
#   START_TIMEOUT  seconds for each process to answer /readyz   30
#
# Every wait is bounded; Ctrl-C (or the end of DURATION) stops every process it started
# (SIGTERM, then SIGKILL after STOP_TIMEOUT seconds) and drops the schema it made.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BIN="$ROOT/.venv/bin"
PY="$BIN/python"
[ -x "$PY" ] || { echo "No virtual environment: run 'make install' first." >&2; exit 2; }

PORTS="${PORTS:-8101 8102}"
HOST="${HOST:-127.0.0.1}"
DURATION="${DURATION:-0}"
START_TIMEOUT="${START_TIMEOUT:-30}"
STOP_TIMEOUT="${STOP_TIMEOUT:-10}"
RUN_ID="$(date +%Y%m%d%H%M%S)_$$"
if [ -z "${SERVER:-}" ]; then
    if [ -x "$BIN/gunicorn" ]; then SERVER=gunicorn; else SERVER=wsgi; fi
fi
case "$SERVER" in gunicorn|wsgi) ;; *) echo "SERVER must be gunicorn or wsgi" >&2; exit 2;; esac

export FLASK_APP=inspir_events.app
export INSPIR_CONFIG="${INSPIR_CONFIG:-production}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/0}"
export SOCKETIO_CHANNEL="${SOCKETIO_CHANNEL:-inspir-scaleout-$RUN_ID}"
export SECRET_KEY="${SECRET_KEY:-$("$PY" -c 'import secrets; print(secrets.token_urlsafe(48))')}"
ORIGINS=""
for port in $PORTS; do ORIGINS="${ORIGINS:+$ORIGINS,}http://$HOST:$port"; done
[ "$HOST" = 127.0.0.1 ] && for port in $PORTS; do ORIGINS="$ORIGINS,http://localhost:$port"; done
export ALLOWED_ORIGINS="${ALLOWED_ORIGINS:-$ORIGINS}"
unset SERVER_NAME INSPIR_NO_GEVENT FLASK_DEBUG

LOG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/inspir-scaleout.XXXXXX")"
SCHEMA=""
PIDS=()

# Redis and PostgreSQL must answer before anything starts.
"$PY" - "$REDIS_URL" <<'PY' || { echo "Redis does not answer at $REDIS_URL" >&2; exit 2; }
import sys, redis
redis.Redis.from_url(sys.argv[1], socket_timeout=3, socket_connect_timeout=3).ping()
PY

if [ -z "${DATABASE_URL:-}" ]; then
    PG_URL="${PG_URL:-postgresql://postgres@127.0.0.1:5432/test}"
    SCHEMA="scaleout_$RUN_ID"
    "$PY" - "$PG_URL" "$SCHEMA" <<'PY' || { echo "PostgreSQL refused $PG_URL" >&2; exit 2; }
import sys, psycopg
with psycopg.connect(sys.argv[1], connect_timeout=5, autocommit=True) as conn:
    conn.execute(f'CREATE SCHEMA "{sys.argv[2]}"')
PY
    sep="?"; case "$PG_URL" in *\?*) sep="&";; esac
    export DATABASE_URL="${PG_URL}${sep}options=-csearch_path%3D${SCHEMA}"
fi
case "$DATABASE_URL" in
    postgres://*|postgresql://*|postgresql+psycopg://*) ;;
    *) echo "DATABASE_URL must be PostgreSQL for a scale-out run" >&2; exit 2;;
esac

stopping=0
cleanup() {
    [ "$stopping" = 1 ] && return
    stopping=1
    trap - INT TERM
    if [ "${#PIDS[@]}" -gt 0 ]; then
        echo "Stopping ${#PIDS[@]} process(es)..."
        kill -TERM "${PIDS[@]}" 2>/dev/null || true
        local waited=0
        while [ "$waited" -lt $((STOP_TIMEOUT * 10)) ]; do
            local alive=0
            for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
            [ "$alive" = 0 ] && break
            sleep 0.1; waited=$((waited + 1))
        done
        for pid in "${PIDS[@]}"; do
            if kill -0 "$pid" 2>/dev/null; then
                echo "  $pid did not stop within ${STOP_TIMEOUT}s: SIGKILL"
                kill -KILL "$pid" 2>/dev/null || true
            fi
            wait "$pid" 2>/dev/null || true
        done
    fi
    if [ -n "$SCHEMA" ] && [ "${KEEP_SCHEMA:-0}" != 1 ]; then
        "$PY" - "$PG_URL" "$SCHEMA" <<'PY' && echo "Dropped schema $SCHEMA." || true
import sys, psycopg
with psycopg.connect(sys.argv[1], connect_timeout=5, autocommit=True) as conn:
    conn.execute(f'DROP SCHEMA IF EXISTS "{sys.argv[2]}" CASCADE')
PY
    elif [ -n "$SCHEMA" ]; then
        echo "Kept schema $SCHEMA (DATABASE_URL=$DATABASE_URL)."
    fi
    echo "Logs: $LOG_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "Deploy step: flask db upgrade (${SCHEMA:+schema $SCHEMA})"
"$BIN/flask" db upgrade >"$LOG_DIR/db-upgrade.log" 2>&1 \
    || { cat "$LOG_DIR/db-upgrade.log" >&2; exit 1; }

for port in $PORTS; do
    log="$LOG_DIR/server-$port.log"
    if [ "$SERVER" = gunicorn ]; then
        # One gevent worker per process; no shared control socket between the processes.
        HOST="$HOST" PORT="$port" "$BIN/gunicorn" -k gevent -w 1 -b "$HOST:$port" \
            --no-control-socket --graceful-timeout 5 --timeout 60 wsgi:app >"$log" 2>&1 &
    else
        HOST="$HOST" PORT="$port" "$PY" wsgi.py >"$log" 2>&1 &
    fi
    PIDS+=("$!")
done

# Bounded readiness wait: /healthz (alive) and /readyz (the database answers).
for port in $PORTS; do
    deadline=$((SECONDS + START_TIMEOUT))
    until "$PY" - "http://$HOST:$port" <<'PY' 2>/dev/null
import sys, urllib.request
for path in ("/healthz", "/readyz"):
    with urllib.request.urlopen(sys.argv[1] + path, timeout=2) as response:
        assert response.status == 200
PY
    do
        if [ "$SECONDS" -ge "$deadline" ]; then
            echo "Port $port did not answer /healthz and /readyz within ${START_TIMEOUT}s:" >&2
            tail -n 30 "$LOG_DIR/server-$port.log" >&2
            exit 1
        fi
        sleep 0.3
    done
done

echo
echo "INS'pir Events: ${#PIDS[@]} processes ($SERVER, $INSPIR_CONFIG) on PostgreSQL + Redis"
i=0
for port in $PORTS; do
    echo "  http://$HOST:$port/   pid ${PIDS[$i]}   /healthz ok  /readyz ok"
    i=$((i + 1))
done
echo "  DATABASE_URL=$DATABASE_URL"
echo "  REDIS_URL=$REDIS_URL  SOCKETIO_CHANNEL=$SOCKETIO_CHANNEL"
echo "  broadcast leader (once a socket has connected):"
echo "    redis-cli -u $REDIS_URL GET $SOCKETIO_CHANNEL:voting:broadcast-leader"
echo "  an administrator: FLASK_APP=inspir_events.app DATABASE_URL='$DATABASE_URL' $BIN/flask create-admin"
if [ "$DURATION" -gt 0 ]; then
    echo "Stopping after ${DURATION}s (or Ctrl-C)."
else
    echo "Ctrl-C stops them."
fi

started=$SECONDS
while :; do
    for pid in "${PIDS[@]}"; do
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "Process $pid exited on its own; stopping the others." >&2
            exit 1
        fi
    done
    if [ "$DURATION" -gt 0 ] && [ $((SECONDS - started)) -ge "$DURATION" ]; then
        exit 0
    fi
    sleep 1
done
