"""Checks on how WeasyPrint laid out a PDF (issue 16): nothing wider than its page's content area
(a table that does not fit is clipped at the paper's edge, silently), and no heading left at the
bottom of a page while what it heads starts on the next.

The checks read WeasyPrint's own layout tree (``Document.pages[i]._page_box``), not the PDF: the
boxes know their element and their place, so a failure can name the table cell or the heading.
:func:`rendered_documents` catches the documents that the platform's own PDF functions lay out, so
a test drives those functions unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from unittest import mock

if TYPE_CHECKING:
    from weasyprint.document import Document

#: CSS pixels a box may stick out (rounding in the layout; 0.5 px is under 0.2 mm).
TOLERANCE = 0.5
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


@contextmanager
def rendered_documents() -> Iterator[list[Document]]:
    """Every document laid out inside the block (``HTML.write_pdf`` lays out through ``HTML.render``)."""
    from weasyprint import HTML  # heavy; only the PDF tests need it

    documents: list[Document] = []
    render = HTML.render

    def keeping(self: HTML, *args: Any, **kwargs: Any) -> Document:
        document = render(self, *args, **kwargs)
        documents.append(document)
        return document

    with mock.patch.object(HTML, "render", keeping):
        yield documents


@dataclass(frozen=True)
class Overflow:
    """A box that reaches past its page's content area, by ``by`` CSS px (1 px = 0.26 mm)."""

    page: int
    tag: str
    text: str
    by: float

    def __str__(self) -> str:
        return f"page {self.page}: <{self.tag}> {self.text!r} sticks out {self.by:.1f}px"


@dataclass(frozen=True)
class StrandedHeading:
    page: int
    text: str

    def __str__(self) -> str:
        return f"page {self.page}: heading {self.text!r} ends the page; its content starts on the next"


def overflows(document: Document, tolerance: float = TOLERANCE) -> list[Overflow]:
    """The boxes, down to a line's words, that reach left or right of their page's content area:
    the outermost of them (the table rather than each of its cells)."""
    found = []
    for number, page_box in _pages(document):
        left = page_box.content_box_x()
        right = left + page_box.width
        found += [Overflow(number, box.element_tag or type(box).__name__, _text(box), by)
                  for box, by in _sticking_out(_flow(page_box), left, right, tolerance)]
    return found


def stranded_headings(document: Document) -> list[StrandedHeading]:
    """Headings that end their page while their section goes on on the next: nothing follows them
    on the page, or only their introduction (one paragraph) without the chart or table it
    introduces."""
    pages = list(_pages(document))
    last_page = {id(box.element): number for number, page_box in pages for box in _all(page_box)
                 if box.element is not None}
    found = []
    for number, page_box in pages:
        for parent in _all(page_box):
            children = list(getattr(parent, "children", []))
            for index, box in enumerate(children):
                if box.element_tag not in HEADINGS or not box.is_in_normal_flow():
                    continue
                following = [child for child in children[index + 1:] if child.element is not box.element]
                introduction_only = len(following) <= 1 and all(child.element_tag == "p" for child in following)
                if introduction_only and last_page.get(id(parent.element), number) > number:
                    found.append(StrandedHeading(number, _text(box)))
    return found


def _pages(document: Document) -> Iterator[tuple[int, Any]]:
    for number, page in enumerate(document.pages, start=1):
        yield number, page._page_box


def _flow(page_box: Any) -> list[Any]:
    """The page's document content, without its margin boxes (the page numbers in the margin)."""
    from weasyprint.formatting_structure.boxes import MarginBox

    return [box for box in page_box.children if not isinstance(box, MarginBox)]


def _all(page_box: Any) -> Iterator[Any]:
    for box in _flow(page_box):
        yield from box.descendants()


def _sticking_out(boxes: list[Any], left: float, right: float, tolerance: float) -> Iterator[tuple[Any, float]]:
    """The outermost boxes among ``boxes`` and their descendants that reach past ``left`` or
    ``right`` (a table, not each of its rows and cells), with how far. What a box clips is not shown."""
    for box in boxes:
        by = max(left - box.position_x, box.position_x + box.margin_width() - right)
        if by > tolerance:
            yield box, by
        elif box.style["overflow"] == "visible":
            yield from _sticking_out(getattr(box, "children", []), left, right, tolerance)


def _text(box: Any, limit: int = 60) -> str:
    """The first words inside ``box``, to name it in a failure."""
    words = " ".join(part.text for part in box.descendants() if hasattr(part, "text") and isinstance(part.text, str))
    return " ".join(words.split())[:limit]
