"""The national statistics in a real browser: a foundation staff member lands on the dashboard,
chooses another year and a track, downloads a table as CSV and finds the page's figures in it;
axe checks the page on a desktop and at 375 px.

The demo's last seeder (tenants.publishing.demo) publishes the demo tenants' statistics, so the
dashboard has figures. Only the staff account is used here ("analist"; the crawl in
test_every_page signs in with it once too: a second sign-in takes the next authenticator code).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import Page

from saas.demo import DEMO_PASSWORD, demo_email, demo_totp_secret
from tests.browser import NewPage, assert_accessible, path_of, sign_in, submit

STAFF = "analist"
PHONE = {"width": 375, "height": 740}


def table_texts(page: Page, selector: str) -> list[list[str]]:
    """The table's rows as a reader sees them: each cell's text, whitespace collapsed."""
    return page.eval_on_selector(selector, """table => [...table.rows].map(row =>
        [...row.cells].map(cell => cell.innerText.replace(/\\s+/g, ' ').trim()))""")


def plain_number(text: str) -> str:
    """A count as the Dutch page writes it ("1.235"), written as the CSV does ("1235")."""
    return text.replace(".", "").replace("\u00a0", "").strip()


def test_staff_choose_a_view_and_download_a_table(new_page: NewPage) -> None:
    page = new_page("desktop")
    email = demo_email(STAFF)
    sign_in(page, email, DEMO_PASSWORD, demo_totp_secret(email))
    assert path_of(page) == "/foundation/"
    assert page.locator("main h1").inner_text().strip()[-4:].isdigit(), "the newest published year"
    assert page.locator("#headlines table").is_visible()
    assert_accessible(page)

    # Another year (when there is one), then a track that year offers ---------------------------------
    # The tracks offered are those with figures in the chosen year (or the year before), so they are
    # read after choosing the year: the demo moves with the calendar, and the oldest year may hold
    # only the last days of December. The year before the newest is always a whole year of data.
    form = page.locator("form[action='/foundation/']")
    years = form.locator("select[name=year] option").evaluate_all("options => options.map(o => o.value)")
    year = years[1] if len(years) > 1 else years[0]
    form.locator("select[name=year]").select_option(year)
    submit(page, form)
    tracks = form.locator("select[name=track] option").evaluate_all("options => options.map(o => o.value)")
    assert tracks[0] == "" and len(tracks) >= 2, tracks  # all tracks, then each track
    track = tracks[1]
    form.locator("select[name=track]").select_option(track)
    submit(page, form)
    assert parse_qs(urlsplit(page.url).query) == {"year": [year], "track": [track]}
    assert page.locator("main h1").inner_text().strip().endswith(year)
    assert form.locator("select[name=track]").input_value() == track
    assert_accessible(page)

    # The trend table as CSV: the same figures as on the page ----------------------------------------
    shown = table_texts(page, "#trend table")
    with page.expect_download() as download_info:
        page.locator("#trend a[href*='/foundation/export/trend.csv']").click()
    download = download_info.value
    assert download.suggested_filename == f"samen-oplopen-trend-{year}-{track.replace('_', '-')}.csv"
    # Long format, one figure per line: the page's rows and columns in the page's order, numbers plain
    # (empty and flagged where the page shows "<10").
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8-sig"))))
    assert list(dict.fromkeys(row["row_label"] for row in rows)) == [row[0] for row in shown[1:]]
    assert list(dict.fromkeys(row["column_label"] for row in rows)) == shown[0][1:]
    page_values = [plain_number(text) for row in shown[1:] for text in row[1:]]
    assert [row["value"] or "<10" for row in rows] == page_values
    assert [row["suppressed"] for row in rows] == ["true" if text == "<10" else "false" for text in page_values]

    # The same page on a phone -----------------------------------------------------------------------
    page.set_viewport_size(PHONE)
    page.reload()
    assert page.locator("#impact").is_visible()
    assert_accessible(page)
