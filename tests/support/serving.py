"""A real HTTP server for one app in a thread of the test process (the browser tests, the fault test)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server

from saas.db import db


@contextmanager
def served(app: Flask, name: str, wsgi: Any = None, **server_options: Any) -> Iterator[str]:
    """Serve ``app`` (through ``wsgi`` when given) on a free loopback port; yields its base URL.
    Afterwards the server stops and the app's database connections are closed."""
    server: BaseWSGIServer = make_server("127.0.0.1", 0, wsgi or app, threaded=True, **server_options)
    thread = threading.Thread(target=server.serve_forever, name=name, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        with app.app_context():
            db.engine.dispose()
