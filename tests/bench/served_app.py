"""What gunicorn serves in the served benchmark (tests/bench/test_bench_served.py): the app exactly
as production serves it (wsgi.py, settings from the ``SAAS_*`` environment) with the references of
tests/bench/references.py.

    gunicorn -w 2 tests.bench.served_app:app
"""

from tests.bench.references import add_references
from wsgi import app

add_references(app)
