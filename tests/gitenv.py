"""The identity and configuration the tests and the benchmark commit with, so that hashes and dates are
the same on every machine (no user's or system's git configuration is read)."""

from __future__ import annotations

import os

EDITOR_NAME, EDITOR_EMAIL = "Desk Editor", "editor@example.org"
ENV = {
    "GIT_AUTHOR_NAME": EDITOR_NAME,
    "GIT_AUTHOR_EMAIL": EDITOR_EMAIL,
    "GIT_COMMITTER_NAME": EDITOR_NAME,
    "GIT_COMMITTER_EMAIL": EDITOR_EMAIL,
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}
