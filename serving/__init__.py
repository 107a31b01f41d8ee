"""Launchers for the Rasa server and the action server with the project's security
settings (SECURITY.md), used by scripts/run_assistant.sh and evaluation/servers.py."""
