"""Racing real transactions from threads (the PostgreSQL concurrency tests)."""

from __future__ import annotations

import threading

from sqlalchemy.orm import Session


class SessionPerThread:
    """Stands in for ``db`` in a module under test: each thread its own session and connection."""

    def __init__(self) -> None:
        self._local = threading.local()

    @property
    def session(self) -> Session:
        return self._local.session

    @session.setter
    def session(self, value: Session) -> None:
        self._local.session = value
