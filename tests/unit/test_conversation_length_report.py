"""`make bench`'s conversation-length report: its arithmetic and its verdict."""

from __future__ import annotations

from evaluation.conversation_length import POINTS, TURNS, Curve, medians, render


def test_each_point_is_the_median_of_five_turns_around_it() -> None:
    times = [float(turn) for turn in range(TURNS)]
    points = medians(times)
    assert points["turns 1–5"] == 2.0
    assert points["turn 200"] == float(TURNS - 3)
    assert list(points) == list(POINTS)


def test_the_report_marks_a_curve_that_grows_past_the_target() -> None:
    flat = Curve(
        "recent-turns store", {"turns 1–5": 40, "turn 50": 41, "turn 100": 42, "turn 200": 44}
    )
    growing = Curve(
        "Rasa's SQL store", {"turns 1–5": 40, "turn 50": 90, "turn 100": 130, "turn 200": 230}
    )

    report = render([growing, flat], "2 cores, test")

    assert flat.meets_target and not growing.meets_target
    assert "| recent-turns store | 40 | 41 | 42 | 44 | 1.10× |" in report
    assert "| Rasa's SQL store | 40 | 90 | 130 | 230 | 5.75× (over target) |" in report
    assert "Machine: 2 cores, test." in report
