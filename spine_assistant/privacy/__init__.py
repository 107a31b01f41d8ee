"""Deleting stored conversations: on a visitor's request and after the retention period."""
