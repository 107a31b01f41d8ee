"""Security settings, checked without servers: CORS origins are a list and never a
wildcard, the HTTP API needs a strong token, the launcher refuses security options on its
command line, every make target keeps Rasa's telemetry off, and no secret is committed."""

from __future__ import annotations

import subprocess
import sys

import pytest

from spine_assistant.knowledge.paths import PROJECT_ROOT
from spine_assistant.serving.rasa_server import UnsafeSetting, cors_origins, security_arguments

pytestmark = pytest.mark.safety


def test_cors_origins_are_a_list_and_never_a_wildcard() -> None:
    assert cors_origins("https://a.example, https://b.example:8443") == [
        "https://a.example",
        "https://b.example:8443",
    ]
    assert cors_origins("") == []
    for unsafe in ["*", "https://*.example", "null", "https://a.example/path"]:
        with pytest.raises(UnsafeSetting):
            cors_origins(unsafe)


def test_the_api_is_enabled_only_with_a_strong_enough_token() -> None:
    assert security_arguments({}) == []
    token = "0123456789abcdef0123"
    assert security_arguments({"RASA_API_TOKEN": token}) == [
        "--enable-api",
        "--auth-token",
        token,
    ]
    for weak in ["secret", " 0123456789abcdef0123"]:
        with pytest.raises(UnsafeSetting):
            security_arguments({"RASA_API_TOKEN": weak})


@pytest.mark.parametrize("option", ["--enable-api", "--auth-token=x", "--cors", "--jwt-secret"])
def test_the_launcher_refuses_security_options_on_its_command_line(option: str) -> None:
    launched = subprocess.run(
        [sys.executable, "-m", "spine_assistant.serving.rasa_server", option],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert launched.returncode != 0
    assert "RASA_API_TOKEN" in launched.stderr


def test_the_launcher_refuses_a_wildcard_origin() -> None:
    launched = subprocess.run(
        [sys.executable, "-m", "spine_assistant.serving.rasa_server"],
        cwd=PROJECT_ROOT,
        env={"CORS_ORIGINS": "*", "PATH": ""},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert launched.returncode != 0
    assert "wildcard" in launched.stderr


def test_every_make_target_runs_with_rasas_telemetry_off() -> None:
    """`make train`, `make test` and `make evaluate` run Rasa in their own processes, not
    through the server launcher that switches telemetry off: the Makefile exports it."""
    probe = subprocess.run(
        [
            "make",
            "--no-print-directory",
            "--eval",
            'telemetry-probe: ; @echo "$$RASA_TELEMETRY_ENABLED"',
            "telemetry-probe",
        ],
        cwd=PROJECT_ROOT,
        env={"PATH": "/usr/bin:/bin", "RASA_TELEMETRY_ENABLED": "true"},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.strip() == "false"


SECRET_PATTERNS = [
    rb"-----BEGIN [A-Z ]*PRIVATE KEY-----",
    rb"(?i)(api|auth)[_-]?token\s*[:=]\s*['\"]?[A-Za-z0-9+/_-]{12,}",
    # `secret` as its own word or after `_` (DJANGO_SECRET_KEY), not inside a name such
    # as Helm's `existingSecret`, whose value names a Kubernetes Secret.
    rb"(?i)(?<![a-z])(jwt|secret)[_-]?(key|secret)?\s*[:=]\s*['\"]?[A-Za-z0-9+/_-]{12,}",
    rb"AKIA[0-9A-Z]{16}",
    rb"gh[pousr]_[A-Za-z0-9]{30,}",
    rb"xox[baprs]-[A-Za-z0-9-]{10,}",
]
# In configuration and shell files a password may stand unquoted; in Python a literal
# is a quoted string, and `password=settings.password` passes a variable.
PASSWORD_PATTERN = rb"(?i)password\s*[:=]\s*['\"]?[^\s'\"$]{6,}"
PYTHON_PASSWORD_PATTERN = rb"(?i)password\s*[:=]\s*['\"][^\s'\"$]{6,}"


def test_no_secrets_are_committed() -> None:
    import re

    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=PROJECT_ROOT, capture_output=True, check=True
    ).stdout.split(b"\0")
    findings = []
    for name in filter(None, tracked):
        path = PROJECT_ROOT / name.decode()
        if not path.is_file() or path.suffix in {".png", ".lock"}:
            continue
        content = path.read_bytes()
        password = PYTHON_PASSWORD_PATTERN if path.suffix == ".py" else PASSWORD_PATTERN
        findings += [
            f"{name.decode()}: {match.group(0)[:40]!r}"
            for pattern in [*SECRET_PATTERNS, password]
            for match in re.finditer(pattern, content)
        ]
        assert not name.endswith((b".db", b".env", b".pem", b".key")), name

    assert findings == []
