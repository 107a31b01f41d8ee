"""The website chat channels with input limits (REST and socket.io), registered in
credentials.yml by module path so every visitor message is checked before NLU."""
