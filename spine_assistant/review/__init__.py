"""`make review`: what visitors asked that the assistant could not answer well, for the
clinic's content owner, and `make review-merge`: the owner's decisions → training data.

Reads the conversation store (the tracker store of endpoints.yml), masks personal
identifiers as soon as a message is read, groups similar questions with the project's
sentence encoder and writes reports/review/ (git-ignored: it holds real messages).
See docs/review.md.
"""
