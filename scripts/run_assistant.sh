#!/usr/bin/env bash
# Starts the action server, waits until it answers, then:
#   web    (make run)   serves REST + socket.io and the demo page with the chat widget
#   serve  (make serve) serves REST + socket.io only
#   shell  (make shell) opens `rasa shell` in the terminal
# Everything started here is stopped when this script exits (Ctrl-C).
# Security settings (SECURITY.md): the action server listens on 127.0.0.1 only; the
# Rasa HTTP API is on only when RASA_API_TOKEN is set; CORS_ORIGINS is a list of origins.
# Conversations idle for more than RETENTION_DAYS (default 30) are deleted at start.
set -euo pipefail
cd "$(dirname "$0")/.."
umask 077  # the conversation store and logs it creates are readable by this user only

MODE="${1:-web}"
VENV_BIN=".venv/bin"
ACTIONS_PORT=5055  # must match action_endpoint in endpoints.yml
RASA_PORT="${RASA_PORT:-5005}"
WEB_PORT="${WEB_PORT:-8000}"
# Web pages allowed to call the assistant (HTTP CORS and the socket.io origin check).
export CORS_ORIGINS="${CORS_ORIGINS:-http://localhost:$WEB_PORT http://127.0.0.1:$WEB_PORT}"
MODEL="${MODEL:-models/spine.tar.gz}"
# Rasa 3.6's dependencies print many deprecation warnings that say nothing to a user.
export PYTHONWARNINGS="${PYTHONWARNINGS:-ignore::DeprecationWarning}"
export SQLALCHEMY_SILENCE_UBER_WARNING=1

PIDS=()
trap 'for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done' EXIT INT TERM

wait_for() {  # url pid log name
  for _ in $(seq 1 240); do
    if curl -fsS "$1" >/dev/null 2>&1; then return 0; fi
    if ! kill -0 "$2" 2>/dev/null; then
      echo "error: the $4 stopped; see $3" >&2
      exit 1
    fi
    sleep 0.5
  done
  echo "error: the $4 did not answer at $1; see $3" >&2
  exit 1
}

serve_channels() {
  # CORS_ORIGINS and RASA_API_TOKEN are read from the environment by the launcher.
  "$VENV_BIN/python" -m serving.rasa_server --model "$MODEL" --endpoints endpoints.yml \
    --credentials credentials.yml --port "$RASA_PORT" "$@"
}

"$VENV_BIN/python" -m privacy purge

"$VENV_BIN/python" -m serving.action_server --port "$ACTIONS_PORT" >.rasa-actions.log 2>&1 &
PIDS+=($!)
wait_for "http://127.0.0.1:$ACTIONS_PORT/health" "${PIDS[-1]}" .rasa-actions.log "action server"
echo "Action server ready on port $ACTIONS_PORT (log: .rasa-actions.log)."

case "$MODE" in
  web)
    echo "Starting the assistant on port $RASA_PORT (log: .rasa-server.log); it takes about 15 s."
    serve_channels >.rasa-server.log 2>&1 &
    PIDS+=($!)
    wait_for "http://localhost:$RASA_PORT/" "${PIDS[-1]}" .rasa-server.log "Rasa server"
    "$VENV_BIN/python" -m website.static_server --port "$WEB_PORT" \
      --assistant-url "http://localhost:$RASA_PORT"
    ;;
  shell)
    "$VENV_BIN/rasa" shell --model "$MODEL" --endpoints endpoints.yml --port "$RASA_PORT"
    ;;
  serve)
    echo "Serving on http://localhost:$RASA_PORT (REST: /webhooks/rest/webhook, socket.io: /socket.io). Ctrl-C stops."
    serve_channels
    ;;
  *)
    echo "usage: $0 [web|serve|shell]" >&2
    exit 2
    ;;
esac
