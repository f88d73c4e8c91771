"""The request recipe's outbox (saas.web.after_commit): work left for after the request's one
commit runs when the request commits, in order, and is dropped when it rolls back."""

from __future__ import annotations

from flask import Flask, Response

from saas.app import _commit_request
from saas.web import after_commit


def test_work_left_for_after_the_commit_runs_only_when_the_request_commits(app: Flask) -> None:
    ran: list[str] = []
    for status in (500, 422, 403):
        with app.test_request_context():
            after_commit(lambda: ran.append("refused"))
            _commit_request(Response(status=status))
    assert ran == []

    with app.test_request_context():
        after_commit(lambda: ran.append("first"))
        after_commit(lambda: ran.append("second"))
        _commit_request(Response(status=302))
    assert ran == ["first", "second"]
