#!/usr/bin/env bash
# Starts the action server, waits until it answers, then either opens `rasa shell`
# (MODE=shell) or serves the REST and socket.io channels (MODE=serve).
# The action server is stopped when this script exits.
# Security settings (SECURITY.md): the action server listens on 127.0.0.1 only; the
# Rasa HTTP API is on only when RASA_API_TOKEN is set; CORS_ORIGINS is a list of origins.
# Conversations idle for more than RETENTION_DAYS (default 30) are deleted at start.
set -euo pipefail
cd "$(dirname "$0")/.."
umask 077  # the conversation store and logs it creates are readable by this user only

MODE="${1:-shell}"
VENV_BIN=".venv/bin"
ACTIONS_PORT=5055  # must match action_endpoint in endpoints.yml
RASA_PORT="${RASA_PORT:-5005}"
export CORS_ORIGINS="${CORS_ORIGINS:-http://localhost:8000}"
MODEL="${MODEL:-models/spine.tar.gz}"
# Rasa 3.6's dependencies print many deprecation warnings that say nothing to a user.
export PYTHONWARNINGS="${PYTHONWARNINGS:-ignore::DeprecationWarning}"
export SQLALCHEMY_SILENCE_UBER_WARNING=1

"$VENV_BIN/python" -m privacy purge

"$VENV_BIN/python" -m serving.action_server --port "$ACTIONS_PORT" >.rasa-actions.log 2>&1 &
ACTIONS_PID=$!
trap 'kill "$ACTIONS_PID" 2>/dev/null || true' EXIT INT TERM

for _ in $(seq 1 120); do
  if curl -fsS "http://127.0.0.1:$ACTIONS_PORT/health" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$ACTIONS_PID" 2>/dev/null; then
    echo "error: the action server stopped; see .rasa-actions.log" >&2
    exit 1
  fi
  sleep 0.5
done
echo "Action server ready on port $ACTIONS_PORT (log: .rasa-actions.log)."

case "$MODE" in
  shell)
    "$VENV_BIN/rasa" shell --model "$MODEL" --endpoints endpoints.yml --port "$RASA_PORT"
    ;;
  serve)
    echo "Serving on http://localhost:$RASA_PORT (REST: /webhooks/rest/webhook, socket.io: /socket.io). Ctrl-C stops."
    "$VENV_BIN/python" -m serving.rasa_server --model "$MODEL" --endpoints endpoints.yml \
      --credentials credentials.yml --port "$RASA_PORT"
    ;;
  *)
    echo "usage: $0 [shell|serve]" >&2
    exit 2
    ;;
esac
