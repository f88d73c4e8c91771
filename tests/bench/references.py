"""The two references every page is measured against in the same run: a bare route, and a 25-row
table rendered from memory by a template without the layout (no sign-in, no database)."""

from __future__ import annotations

from flask import Blueprint, Flask

#: 25 rows of five columns, as a list page shows them, but with no layout, no sign-in, no database.
ROWS = [{"case": f"2026-{n:04d}", "name": f"Familie {n}", "state": "Wachtend", "referred": f"{1 + n % 28} nov. 2026",
         "coordinator": "Sanne Jansen"} for n in range(25)]
TABLE_TEMPLATE = """<!doctype html><html lang="nl"><title>Tabel</title><table><thead><tr>
<th>Dossier</th><th>Naam</th><th>Status</th><th>Aangemeld</th><th>Coördinator</th></tr></thead><tbody>
{% for row in rows %}<tr><td><a href="/families/{{ row.case }}">{{ row.case }}</a></td><td>{{ row.name }}</td>
<td>{{ row.state }}</td><td>{{ row.referred }}</td><td>{{ row.coordinator }}</td></tr>{% endfor %}
</tbody></table></html>"""

references = Blueprint("bench_references", __name__, url_prefix="/bench")


@references.get("/bare")
def bare() -> str:
    return "ok"


@references.get("/table")
def table() -> str:
    return _TABLE[0].render(rows=ROWS)


_TABLE = []  # the template, compiled once by add_references as the app's own templates are


def add_references(app: Flask) -> None:
    """Serve the references under /bench/ on ``app``."""
    app.register_blueprint(references)
    _TABLE[:] = [app.jinja_env.from_string(TABLE_TEMPLATE)]
