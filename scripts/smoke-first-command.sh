#!/usr/bin/env bash
# Smoke test of the README's first command on a checkout: `npm run dev` with NO DATABASE_URL (so the
# embedded PostgreSQL under .data/ is started, migrated and seeded), wait until GET /api/health answers
# {"status":"ok","db":"ok"}, check that the sign-in page renders, print the cold-start time, and stop
# everything cleanly (the dev script stops `next dev` and the embedded server on SIGTERM).
#
#   bash scripts/smoke-first-command.sh [checkout-dir]
#
# Environment: PORT (default: a free port), SMOKE_TIMEOUT seconds (default 600), SMOKE_LOG (log file).
set -euo pipefail

DIR="$(cd "${1:-$(dirname "$0")/..}" && pwd)"
TIMEOUT="${SMOKE_TIMEOUT:-600}"
LOG="${SMOKE_LOG:-$(mktemp -t manifold-smoke.XXXXXX.log)}"
PORT="${PORT:-$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')}"
BASE="http://127.0.0.1:${PORT}"
cd "$DIR"

if [ ! -d node_modules ]; then
  echo "[smoke] node_modules missing: npm ci"
  npm ci --no-audit --no-fund >>"$LOG" 2>&1
fi

echo "[smoke] checkout: $DIR"
echo "[smoke] npm run dev (no DATABASE_URL) on port $PORT; log: $LOG"
START=$(date +%s.%N)
# Its own session/process group, so that stopping it reaches every child and nothing else.
env -u DATABASE_URL NEXT_TELEMETRY_DISABLED=1 setsid npm run dev -- -p "$PORT" >"$LOG" 2>&1 &
PID=$!

stop() {
  if kill -0 "$PID" 2>/dev/null; then
    kill -TERM "$PID" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$PID" 2>/dev/null || break; sleep 0.5; done
  fi
  # Anything of ours still running (npm does not always wait for its children): ask, then insist.
  if pgrep -g "$PID" >/dev/null 2>&1; then
    kill -TERM -- "-$PID" 2>/dev/null || true
    for _ in $(seq 1 40); do pgrep -g "$PID" >/dev/null 2>&1 || break; sleep 0.5; done
  fi
  if pgrep -g "$PID" >/dev/null 2>&1; then
    echo "[smoke] processes did not stop on SIGTERM; killing them" >&2
    kill -KILL -- "-$PID" 2>/dev/null || true
    return 1
  fi
}

fail() {
  echo "[smoke] FAILED: $1" >&2
  echo "----- last lines of $LOG -----" >&2
  tail -n 40 "$LOG" >&2 || true
  stop || true
  exit 1
}

EXPECTED='{"status":"ok","db":"ok"}'
BODY=""
while true; do
  if ! kill -0 "$PID" 2>/dev/null; then fail "npm run dev exited before the app was healthy"; fi
  BODY="$(curl -s --max-time 10 "$BASE/api/health" || true)"
  [ "$(printf '%s' "$BODY" | tr -d ' \n')" = "$EXPECTED" ] && break
  ELAPSED=$(awk -v s="$START" -v n="$(date +%s.%N)" 'BEGIN { printf "%d", n - s }')
  [ "$ELAPSED" -ge "$TIMEOUT" ] && fail "no healthy answer within ${TIMEOUT}s (last: ${BODY:-none})"
  sleep 1
done
COLD=$(awk -v s="$START" -v n="$(date +%s.%N)" 'BEGIN { printf "%.1f", n - s }')
echo "[smoke] GET /api/health -> $BODY"
echo "[smoke] cold start: ${COLD}s"

STATUS="$(curl -s -o /dev/null -w '%{http_code}' --max-time "$TIMEOUT" "$BASE/sign-in" || true)"
[ "$STATUS" = "200" ] || fail "GET /sign-in answered ${STATUS:-nothing}"
FIRST_PAGE=$(awk -v s="$START" -v n="$(date +%s.%N)" 'BEGIN { printf "%.1f", n - s }')
echo "[smoke] GET /sign-in -> 200 (first page compiled at ${FIRST_PAGE}s)"

stop || fail "did not stop cleanly"
if grep -q "demo merchant" "$LOG"; then grep -m1 "demo merchant" "$LOG" | sed 's/^/[smoke] /'; fi
echo "[smoke] stopped cleanly"
echo "COLD_START_SECONDS=${COLD}"
