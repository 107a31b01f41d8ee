"""The dependency audit (scripts/audit_dependencies.sh, run by `make test`) never passes
without having checked anything, and every accepted finding in SECURITY.md has a reason.
Where the advisory source is reachable, `make audit` itself fails on any new finding."""

from __future__ import annotations

import os
import re
import subprocess

import pytest

from spine_assistant.knowledge.paths import PROJECT_ROOT

AUDIT_SCRIPT = PROJECT_ROOT / "scripts" / "audit_dependencies.sh"
NO_NETWORK = "http://127.0.0.1:9"  # a proxy that refuses every connection


def run_audit_offline(**env: str) -> subprocess.CompletedProcess[str]:
    if not (PROJECT_ROOT / ".venv-audit" / "bin" / "pip-audit").exists():
        pytest.fail("pip-audit missing: run `make audit` (make test installs it)")
    offline = {**os.environ, "HTTPS_PROXY": NO_NETWORK, "HTTP_PROXY": NO_NETWORK, **env}
    offline.pop("NO_PROXY", None)
    offline.pop("no_proxy", None)
    return subprocess.run(
        [str(AUDIT_SCRIPT)],
        cwd=PROJECT_ROOT,
        env=offline,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_audit_fails_when_it_gets_no_advisory_data() -> None:
    audit = run_audit_offline()

    assert audit.returncode != 0
    assert "DEPENDENCY AUDIT NOT DONE" in audit.stderr


def test_make_test_goes_on_offline_but_says_the_audit_was_not_done() -> None:
    audit = run_audit_offline(AUDIT_OFFLINE_OK="1")

    assert audit.returncode == 0
    assert "DEPENDENCY AUDIT NOT DONE" in audit.stderr


def test_every_accepted_finding_names_its_package_and_reason() -> None:
    security = (PROJECT_ROOT / "SECURITY.md").read_text(encoding="utf-8")
    rows = re.findall(
        r"^\| *((?:PYSEC|GHSA|CVE|OSV)-[A-Za-z0-9-]+) *\|(.*)\|(.*)\|$", security, re.M
    )

    for advisory, package, reason in rows:
        assert package.strip(), advisory
        assert len(reason.strip()) > 20, f"{advisory}: say why it is accepted"
