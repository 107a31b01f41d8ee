"""The comparison with stock Rasa: the project against the mean of the two stock rounds
(A-B-A), and issue 15's goals marked met or missed from the run's own figures."""

from __future__ import annotations

from evaluation.load import Scenario
from evaluation.stock_baseline import Round, comparison_table, goals_table, render


def measured(name: str, p50_ms: float, turns_per_second: float, slowest_ms: float) -> Round:
    one = Scenario(1, 80, 0, 80 * p50_ms / 1000, [p50_ms / 1000] * 80)
    latencies = [0.5] * 799 + [slowest_ms / 1000]
    many = Scenario(50, 800, 0, 800 / turns_per_second, latencies)
    return Round(name, one, many)


def rounds(project_p50: float, project_throughput: float) -> list[Round]:
    return [
        measured("stock", 28.0, 35.0, 1800.0),
        measured("project", project_p50, project_throughput, 900.0),
        measured("stock again", 30.0, 37.0, 1700.0),
    ]


def test_the_project_is_compared_with_the_mean_of_both_stock_rounds() -> None:
    table = comparison_table(rounds(project_p50=14.5, project_throughput=72.0))
    assert "| 1 visitor: p50 per turn | 28.0 ms | 14.5 ms | 30.0 ms | 0.50× |" in table
    assert (
        "| 50 visitors: throughput | 35.0 turns/s | 72.0 turns/s | 37.0 turns/s | 2.00× |" in table
    )
    assert "| 50 visitors: slowest turn | 1800.0 ms | 900.0 ms | 1700.0 ms | 0.51× |" in table
    assert "| 50 visitors: errors | 0 | 0 | 0 | – |" in table


def test_goals_are_met_or_missed_by_this_runs_figures() -> None:
    missed = goals_table(rounds(project_p50=20.0, project_throughput=72.0))
    assert "| 20.0 ms, 20.0 ms | **missed** |" in missed
    assert "| 2.00×, 0 errors | **missed** |" in missed
    assert "(slowest 900 ms) | met |" in missed
    met = goals_table(rounds(project_p50=14.0, project_throughput=120.0))
    assert "**missed**" not in met


def test_the_report_says_how_it_was_measured() -> None:
    report = render(rounds(14.0, 120.0), "reused from an earlier run", "2 cores, 2026-11-28")
    assert "Machine: 2 cores, 2026-11-28. Order: stock, project, stock again (A-B-A)" in report
    assert "The stock model was reused from an earlier run" in report
