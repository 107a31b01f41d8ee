"""`rasa data validate` passes, and its only warnings are the expected ones."""

from __future__ import annotations

import re
import subprocess

from spine_assistant.serving.processes import RASA
from tests.conftest import PROJECT_ROOT

ACTIONS_DIR = PROJECT_ROOT / "actions"


def responses_used_by_custom_actions() -> set[str]:
    code = "".join(path.read_text() for path in ACTIONS_DIR.glob("*.py"))
    return set(re.findall(r"\"(utter_[a-z_]+)\"", code)) | {"utter_default"}


def test_rasa_data_validate_is_clean() -> None:
    result = subprocess.run(
        [str(RASA), "data", "validate"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]

    warnings = re.findall(r"UserWarning: (.*)", output)
    unused = set(
        re.findall(r"The utterance '(utter_\w+)' is not used in any story or rule", output)
    )
    # Responses sent by custom actions (and Rasa's own utter_default) are not in rules.
    assert unused <= responses_used_by_custom_actions()
    known = ("The utterance", "Slot auto-fill has been removed")
    assert [w for w in warnings if not w.startswith(known)] == []
