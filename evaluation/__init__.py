"""Measuring the assistant: question sets and scoring, make evaluate, bench and profile."""
