"""reports/review/candidates.yml: the review's groups as an editable list of decisions.

The content owner sets each group's `decision` and deletes any example that does not
belong, then runs `make review-merge`. The file is plain YAML; the placeholder is
written `decision: "?"`, and a bare `decision: ?` (not valid YAML on its own) is read
as the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from spine_assistant.review.analysis import Report

UNDECIDED = "?"
HEADER = """\
# Candidates for training data from the assistant review of {since} to {until}.
# Real visitor messages (identifiers masked): keep this file out of git and e-mail.
#
# For each group set `decision:` to one of
#   faq_<topic>       the page answers this: add the examples to that topic's training data
#   out_of_scope      the page does not answer this: train the assistant to refer it
#   personal_advice   asks for advice about one person's care: train it to decline
#   drop              leave the group out
# and delete any example line that does not fit. Groups left at "?" are skipped.
# `guessed` is what the assistant thought it was. Then run:
#   make review-merge FILE={path}
"""
_BARE_PLACEHOLDER = re.compile(r"^(\s*(?:-\s+)?decision:)\s*\?\s*(#.*)?$", re.MULTILINE)


@dataclass(frozen=True)
class Candidate:
    group: int
    decision: str
    examples: tuple[str, ...]


def candidates_yaml(report: Report, path: Path) -> str:
    groups: list[dict[str, Any]] = [
        {
            "group": number,
            "count": group.count,
            "why": dict(group.counts("reasons").most_common()),
            "guessed": group.suggested,
            "decision": UNDECIDED,
            "examples": group.examples(limit=None),
        }
        for number, group in enumerate(report.groups, start=1)
    ]
    header = HEADER.format(since=report.period.since, until=report.period.until, path=path)
    body = yaml.safe_dump(
        {"groups": groups}, sort_keys=False, allow_unicode=True, width=1000, indent=2
    )
    return header + "\n" + body


def read_candidates(path: Path) -> list[Candidate]:
    text = _BARE_PLACEHOLDER.sub(lambda m: f'{m.group(1)} "?"', path.read_text(encoding="utf-8"))
    raw = yaml.safe_load(text) or {}
    candidates = []
    for number, group in enumerate(raw.get("groups") or [], start=1):
        decision = group.get("decision")
        examples = tuple(str(e).strip() for e in group.get("examples") or [] if str(e).strip())
        candidates.append(
            Candidate(
                group=int(group.get("group", number)),
                decision=UNDECIDED if decision is None else str(decision).strip(),
                examples=examples,
            )
        )
    return candidates
