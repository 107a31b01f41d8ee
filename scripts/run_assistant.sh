#!/usr/bin/env bash
# Starts the action server, waits until it answers, then either opens `rasa shell`
# (MODE=shell) or serves the REST and socket.io channels (MODE=serve).
# The action server is stopped when this script exits.
set -euo pipefail
cd "$(dirname "$0")/.."

MODE="${1:-shell}"
VENV_BIN=".venv/bin"
ACTIONS_PORT=5055  # must match action_endpoint in endpoints.yml
RASA_PORT="${RASA_PORT:-5005}"
CORS_ORIGINS="${CORS_ORIGINS:-http://localhost:8000}"
MODEL="${MODEL:-models/spine.tar.gz}"
# Rasa 3.6's dependencies print many deprecation warnings that say nothing to a user.
export PYTHONWARNINGS="${PYTHONWARNINGS:-ignore::DeprecationWarning}"
export SQLALCHEMY_SILENCE_UBER_WARNING=1

"$VENV_BIN/rasa" run actions --port "$ACTIONS_PORT" --actions actions >.rasa-actions.log 2>&1 &
ACTIONS_PID=$!
trap 'kill "$ACTIONS_PID" 2>/dev/null || true' EXIT INT TERM

for _ in $(seq 1 120); do
  if curl -fsS "http://localhost:$ACTIONS_PORT/health" >/dev/null 2>&1; then break; fi
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
    "$VENV_BIN/rasa" run --model "$MODEL" --endpoints endpoints.yml --credentials credentials.yml \
      --port "$RASA_PORT" --cors "$CORS_ORIGINS"
    ;;
  *)
    echo "usage: $0 [shell|serve]" >&2
    exit 2
    ;;
esac
