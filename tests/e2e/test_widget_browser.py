"""The website chat widget in Debian's Chromium, against the real assistant.

The browser tests are JavaScript (web/tests/widget.test.mjs, Node's test runner with
playwright-core and axe-core): this test serves them the page and the servers, runs
them, and fails when any of them fails. Screenshots go to results/screenshots/
(`make screenshots` updates the committed ones in reports/screenshots/).
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from spine_assistant.knowledge.paths import PROJECT_ROOT
from tests.e2e.conftest import CHROMIUM, SCREENSHOTS, Website

pytestmark = [pytest.mark.model, pytest.mark.e2e, pytest.mark.safety]

BROWSER_TESTS = PROJECT_ROOT / "web" / "tests" / "widget.test.mjs"


def test_widget_in_a_real_browser(website: Website, unclear_fragment: str) -> None:
    node = shutil.which("node")
    if node is None or not os.access(CHROMIUM, os.X_OK):
        pytest.fail("node and /usr/bin/chromium are needed: run `make test` (it installs them)")
    result = subprocess.run(
        [node, "--test", "--test-reporter=spec", str(BROWSER_TESTS)],
        cwd=PROJECT_ROOT / "web",
        env={
            **os.environ,
            "WIDGET_PAGE_URL": website.page_url,
            "CHROMIUM_PATH": CHROMIUM,
            "SCREENSHOT_DIR": str(SCREENSHOTS),
            "UNCLEAR_FRAGMENT": unclear_fragment,
        },
        capture_output=True,
        text=True,
        timeout=900,
    )
    print(result.stdout)
    assert result.returncode == 0, f"{result.stdout[-12000:]}\n{result.stderr[-4000:]}"
