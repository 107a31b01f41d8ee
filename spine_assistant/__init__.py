"""Spine Metastasis Assistant: the code that runs inside the Rasa server, and its tools.

- knowledge/: the topics, the lexicon and the source page, read from data/knowledge/
- components/: Rasa graph components (named in config.yml), the importer that turns the
  knowledge into intents, responses and rules, and the spaCy pipeline builder
- channels/: the REST and socket.io chat channels with input limits (credentials.yml)
- storage/: the SQLite tracker store (endpoints.yml)
- privacy/: `python -m spine_assistant.privacy forget|purge`
- serving/: starting and stopping the servers (`make run`, the tests, the benchmarks)
- website/: the rendered source page and the demo page's static server
"""
