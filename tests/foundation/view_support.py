"""For the dashboard's tests: tenants that published the national dataset's cells, and the
dashboard's tables read back from its HTML (to compare them with the exports and the PDF)."""

from __future__ import annotations

from html.parser import HTMLParser

from flask import Flask

from saas.tenancy.models import Tenant
from tests.factories.foundation import publish
from tests.factories.platform import create_tenant
from tests.foundation.national_dataset import tenant_data


def publish_tenants(app: Flask, count: int, first: int = 0) -> list[Tenant]:
    """``count`` tenants ("Samen Oplopen 00" …), each publishing one of the dataset's four tenants' cells."""
    tenants = []
    for index in range(first, first + count):
        tenant = create_tenant(app, f"org-{index}", name=f"Samen Oplopen {index:02d}")
        publish(app, tenant, tenant_data(index % 4).cells)
        tenants.append(tenant)
    return tenants


class _TableReader(HTMLParser):
    """Every <table> of a page by its caption: a list of rows, each a list of cell texts (header
    cells included). Visually hidden text inside a cell is read too, as a screen reader would."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._caption: list[str] | None = None
        self._rows: list[list[str]] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._rows = []
        elif tag == "caption":
            self._caption = []
        elif tag == "tr" and self._rows is not None:
            self._rows.append([])
        elif tag in ("td", "th") and self._rows is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._rows:
            self._rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "caption" and self._caption is not None:
            self._title = " ".join("".join(self._caption).split())
            self._caption = None
        elif tag == "table" and self._rows is not None:
            self.tables[self._title] = self._rows
            self._rows = None

    def handle_data(self, data: str) -> None:
        if self._caption is not None:
            self._caption.append(data)
        elif self._cell is not None:
            self._cell.append(data)


def page_tables(html: str) -> dict[str, list[list[str]]]:
    reader = _TableReader()
    reader.feed(html)
    return reader.tables


def normalised(text: str) -> str:
    """A figure as the page writes it in English, written as the CSV does: no thousands
    separators, no plus sign, an ASCII minus."""
    return text.replace(",", "").replace("+", "").replace("\u2212", "-").replace("\u00a0", "").strip()
