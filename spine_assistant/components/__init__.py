"""Plug-ins that run inside the Rasa server: the knowledge importer and the emergency detector."""
