"""The clinical safety case holds together: every hazard the issue lists is in the log,
every control names tests that exist, every test marked `safety` is named by a hazard,
ratings follow the DCB0129 matrix, and the committed summary is the generated one."""

from __future__ import annotations

from evaluation.safety_case import (
    LIKELIHOODS,
    SEVERITIES,
    SUMMARY,
    load_hazards,
    named_tests,
    risk,
    safety_tests,
    summary,
)

REQUIRED_HAZARDS = [
    "Missed emergency",
    "False reassurance",
    "A fact not on the page",
    "Confidently wrong answer to an unanswerable question",
    "Personal medical advice given",
    "Stale content",
    "Unreadable answer",
    "Data leak of a conversation",
    "Unavailable service",
    "Injected content shown in the widget",
    "A follow-up to the urgent advice referred elsewhere",
    "A question about emergency care told only to contact the clinician",
]


def test_the_log_covers_every_required_hazard_once() -> None:
    hazards = load_hazards()
    assert sorted(h.hazard for h in hazards) == sorted(REQUIRED_HAZARDS)
    assert len({h.id for h in hazards}) == len(hazards)


def test_ratings_use_the_scales_and_controls_never_raise_a_risk() -> None:
    for hazard in load_hazards():
        assert hazard.severity in SEVERITIES, hazard.id
        assert {hazard.likelihood, hazard.residual_likelihood} <= set(LIKELIHOODS), hazard.id
        assert hazard.residual_risk <= hazard.initial_risk, hazard.id
        assert hazard.controls and hazard.residual_note.strip(), hazard.id


def test_every_control_names_tests_that_exist() -> None:
    for hazard in load_hazards():
        for control in hazard.controls:
            assert control.tests, f"{hazard.id}: a control without tests"
            for reference in control.tests:
                assert named_tests(reference), f"{hazard.id}: no test {reference}"


def test_every_safety_critical_test_is_named_by_a_hazard() -> None:
    named = {
        test
        for hazard in load_hazards()
        for control in hazard.controls
        for reference in control.tests
        for test in named_tests(reference)
    }
    marked = safety_tests()
    assert len(marked) > 50, "the safety-critical tests are marked"
    assert sorted(marked - named) == []


def test_the_matrix_rates_as_dcb0129_does() -> None:
    assert risk("catastrophic", "very high") == 5
    assert risk("minor", "very low") == 1
    assert risk("major", "medium") == 3
    assert risk("catastrophic", "low") == 4


def test_the_committed_summary_is_the_generated_one() -> None:
    assert SUMMARY.read_text(encoding="utf-8") == summary(load_hazards()), "run `make safety-case`"
