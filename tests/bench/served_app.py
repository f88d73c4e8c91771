"""What gunicorn serves in the served benchmark (tests/bench/test_bench_served.py): the app as
``make run`` builds it (settings from the ``SAAS_*`` environment) with the references of
tests/bench/references.py.

    gunicorn -w 2 tests.bench.served_app:app
"""

from saas.app import create_app
from tests.bench.references import add_references

app = create_app()
add_references(app)
