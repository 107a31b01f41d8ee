"""Where the Rasa server keeps conversations (the tracker store named in endpoints.yml)."""
