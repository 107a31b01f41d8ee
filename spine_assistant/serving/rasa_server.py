"""`rasa run` with the HTTP API, its token and CORS taken from the environment.

Usage: python -m spine_assistant.serving.rasa_server [rasa run options, e.g. --model, --port]

- The HTTP API (trackers, model, events) is enabled only when RASA_API_TOKEN is set,
  and then always requires that token; without it only the chat webhooks are served.
  The token goes to Rasa inside this process, so it never appears in the process list.
- Rasa's telemetry and error reporting to Rasa's servers are switched off: no
  conversation data leaves the machine.
- Rasa's check of action server responses builds its JSON schema validator once
  (action_response_check.py), not once per call; the class of a stored event is
  searched once per type name (event_types.py), not once per event; and the model's
  graphs run node by node in a remembered order (graph_runner.py), without dask.
- CORS_ORIGINS is a space- or comma-separated list of web origins
  ("https://clinic.example https://www.clinic.example"); "*" is refused.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping

MIN_TOKEN_CHARS = 16
_ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?")
_SET_FROM_ENVIRONMENT = ("--enable-api", "--auth-token", "--cors", "--jwt-secret")


class UnsafeSetting(ValueError):
    """A setting that would expose the API or the chat to any website."""


def cors_origins(value: str) -> list[str]:
    """The allowed web origins: each one scheme://host[:port], never a wildcard."""
    origins = [origin for origin in re.split(r"[\s,]+", value) if origin]
    for origin in origins:
        if not _ORIGIN.fullmatch(origin):
            raise UnsafeSetting(
                f"CORS_ORIGINS: {origin!r} is not an origin like https://clinic.example "
                "(a wildcard would let any website use the assistant)."
            )
    return origins


def security_arguments(environ: Mapping[str, str]) -> list[str]:
    """The `rasa run` options that follow from CORS_ORIGINS and RASA_API_TOKEN."""
    arguments: list[str] = []
    origins = cors_origins(environ.get("CORS_ORIGINS", ""))
    if origins:
        arguments += ["--cors", *origins]
    token = environ.get("RASA_API_TOKEN", "")
    if token:
        if len(token) < MIN_TOKEN_CHARS or token.strip() != token:
            raise UnsafeSetting(
                f"RASA_API_TOKEN must be at least {MIN_TOKEN_CHARS} characters without "
                "spaces, e.g. from `openssl rand -hex 32`."
            )
        arguments += ["--enable-api", "--auth-token", token]
    return arguments


def main() -> None:
    given = sys.argv[1:]
    overridden = [option for option in given if option.split("=")[0] in _SET_FROM_ENVIRONMENT]
    try:
        if overridden:
            raise UnsafeSetting(
                f"{', '.join(overridden)}: set CORS_ORIGINS and RASA_API_TOKEN instead."
            )
        arguments = security_arguments(os.environ)
    except UnsafeSetting as unsafe:
        sys.exit(f"error: {unsafe}")

    os.environ["RASA_TELEMETRY_ENABLED"] = "false"
    # skops (Rasa's LogisticRegressionClassifier stores its model with it) sets the
    # root logger to WARNING when first imported, which would hide the server's INFO
    # lines ("Rasa server is up and running"); imported before rasa's main() sets up
    # logging, Rasa's own set-up wins. Imported before Rasa, it also starts 4 s sooner:
    # at import it looks up the module of every NumPy and SciPy ufunc by scanning
    # sys.modules, which holds about 5,500 modules once Rasa is imported, 1,400 before.
    import skops.io  # noqa: F401, I001 (before rasa, see above)
    import rasa.__main__

    from spine_assistant.serving import (
        action_response_check,
        event_types,
        graph_runner,
        rule_index,
    )

    action_response_check.install()
    event_types.install()
    graph_runner.install()
    rule_index.install()

    sys.argv = ["rasa", "run", *given, *arguments]
    rasa.__main__.main()


if __name__ == "__main__":
    main()
