#!/usr/bin/env bash
# Prints the path of a Python 3.10 interpreter, or explains how to get one.
# Rasa 3.6 installs on Python 3.10 only (not 3.11+).
set -euo pipefail
for candidate in "${PYTHON310:-}" python3.10 "$(command -v pyenv >/dev/null 2>&1 && PYENV_VERSION=3.10 pyenv which python 2>/dev/null || true)"; do
  [ -n "$candidate" ] || continue
  if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null; then
    command -v "$candidate"
    exit 0
  fi
done
cat >&2 <<'MSG'
error: Python 3.10 was not found.
Rasa Open Source 3.6 needs Python 3.10 (it does not install on 3.11 or newer).
Install it and run the command again, for example:
  pyenv install 3.10      (this repository's .python-version then selects it)
  apt-get install python3.10 python3.10-venv
or point PYTHON310 at an interpreter: PYTHON310=/path/to/python3.10 make run
MSG
exit 1
