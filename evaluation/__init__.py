"""Measuring the assistant's understanding on the held-out test set (tests/nlu/heldout.yml)."""
