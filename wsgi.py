"""What a WSGI server serves (gunicorn wsgi:app; FLASK_APP=wsgi for the flask command)."""

import gc

from saas.app import create_app

app = create_app()
# The app's long-lived objects (modules, templates, mappers) never become garbage: kept out of the
# collector's view, its full collections stop walking them between requests.
gc.freeze()
