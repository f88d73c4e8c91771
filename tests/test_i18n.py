"""Languages: complete and current catalogues, the locale precedence, the switch, RTL, mails.

Expected texts come from the catalogues (translations/<locale>/LC_MESSAGES/messages.po), so the
tests hold whatever the wording. The app reads the compiled .mo files (``make compile``).
"""

from __future__ import annotations

import ast
import functools
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import select

from config import ROOT
from saas.auth.models import User
from saas.auth.roles import Role
from saas.db import db
from saas.i18n import LANGUAGES, RTL_LANGUAGES
from saas.tenancy.models import Tenant
from tests.factories.platform import create_tenant, create_user
from tests.support.mailbox import Mailbox
from tests.support.sessions import SignIn, sign_in

TRANSLATIONS = ROOT / "translations"
LOCALES = sorted(LANGUAGES)
PERCENT_PLACEHOLDER = re.compile(r"%\((\w+)\)[sdrifx]|%[sdrifx]")
BRACE_PLACEHOLDER = re.compile(r"(?<!\{)\{(\w*)(?:[!:][^}]*)?\}(?!\})")


@functools.cache
def catalogue(locale: str) -> Catalog:
    with (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=locale)


def translation(msgid: str, locale: str) -> str:
    message = catalogue(locale).get(msgid)
    assert message is not None and message.string, f"{msgid!r} has no {locale} translation"
    return str(message.string)


def messages(locale: str) -> list:
    return [message for message in catalogue(locale) if message.id]


def placeholders(text: str) -> tuple[set[str], set[str]]:
    percent = {m.group(0) for m in PERCENT_PLACEHOLDER.finditer(text.replace("%%", ""))}
    brace = {m.group(1) for m in BRACE_PLACEHOLDER.finditer(text)}
    return percent, brace


def html_lang(response_text: str) -> tuple[str, str]:
    match = re.search(r'<html lang="([^"]+)" dir="([^"]+)">', response_text)
    assert match, "the page has no <html lang dir>"
    return match.group(1), match.group(2)


# The catalogues ------------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
def test_every_entry_is_translated_and_none_is_fuzzy(locale: str) -> None:
    untranslated = [m.id for m in messages(locale)
                    if not (all(m.string) if isinstance(m.string, tuple) else m.string)]
    fuzzy = [m.id for m in messages(locale) if m.fuzzy]
    assert not untranslated, f"{locale}: {len(untranslated)} untranslated: {untranslated}"
    assert not fuzzy, f"{locale}: fuzzy (check and clear the flag): {fuzzy}"


@pytest.mark.parametrize("locale", LOCALES)
def test_translations_keep_the_placeholders_of_the_source(locale: str) -> None:
    wrong = []
    for message in messages(locale):
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = placeholders(ids[-1])
        for string in strings:
            if placeholders(string) != expected:
                wrong.append(f"{ids[0]!r} -> {string!r}")
    assert not wrong, f"{locale}: placeholders differ:\n" + "\n".join(wrong)


@pytest.mark.parametrize("locale", LOCALES)
def test_translations_can_be_filled_in(locale: str) -> None:
    """A stray ``%`` or a broken ``{`` would raise when the app fills the text in."""
    broken = []
    for message in messages(locale):
        if isinstance(message.id, tuple):
            continue
        percent, brace = placeholders(message.id)
        try:
            if percent:
                _ = message.string % {name[2:-2]: "x" for name in percent if name.startswith("%(")}
            if brace:
                _ = message.string.format(**{name: "x" for name in brace})
        except (KeyError, ValueError, TypeError, IndexError) as exc:
            broken.append(f"{message.id!r} -> {message.string!r}: {exc!r}")
    assert not broken, "\n".join(broken)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """The messages in the source now, extracted as ``make i18n-extract`` does."""
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    pybabel = Path(sys.executable).parent / "pybabel"
    subprocess.run([str(pybabel), "-q", "extract", "-F", "babel.cfg", "-k", "L_", "-k", "_",
                    "--no-location", "-o", str(pot), "."], cwd=ROOT, check=True, timeout=120)
    with pot.open("rb") as file:
        return read_po(file)


def test_extraction_finds_the_messages(extracted: Catalog) -> None:
    ids = {m.id for m in extracted if m.id}
    assert len(ids) > 100
    assert {"Page not found", "Invitation to %(tenant)s", "Skip to main content"} <= ids


def test_extraction_reads_every_template() -> None:
    """A template babel.cfg does not map would keep its texts out of every catalogue, silently."""
    from babel.util import pathmatch

    patterns = [line.strip("[]").split(":", 1)[1].strip() for line in (ROOT / "babel.cfg").read_text().splitlines()
                if line.startswith("[jinja2:")]
    templates = [path.relative_to(ROOT).as_posix() for package in ("saas", "tenants")
                 for path in (ROOT / package).rglob("templates/**/*") if path.suffix in (".html", ".txt")]
    unmapped = [path for path in templates if not any(pathmatch(pattern, path) for pattern in patterns)]
    assert templates and not unmapped, f"add these templates to babel.cfg: {unmapped}"


@pytest.mark.parametrize("locale", LOCALES)
def test_catalogue_has_every_message_of_the_source(extracted: Catalog, locale: str) -> None:
    missing = sorted(str(m.id) for m in extracted if m.id and m.id not in catalogue(locale))
    assert not missing, (f"{locale} lacks {len(missing)} message(s); run `make i18n-update`, translate them "
                         f"and `make compile`: {missing}")


@pytest.mark.parametrize("locale", LOCALES)
def test_catalogue_has_no_messages_the_source_no_longer_uses(extracted: Catalog, locale: str) -> None:
    stale = sorted(str(m.id) for m in messages(locale) if m.id not in extracted)
    assert not stale, f"{locale} still carries {stale}; `make i18n-update` drops them"


def _hashable(value: object) -> object:
    return tuple(value) if isinstance(value, list | tuple) else value


@pytest.mark.parametrize("locale", LOCALES)
def test_compiled_catalogue_matches_the_po_file(locale: str) -> None:
    mo_path = TRANSLATIONS / locale / "LC_MESSAGES" / "messages.mo"
    assert mo_path.exists(), f"{mo_path} is missing: run `make compile`"
    with mo_path.open("rb") as mo:  # plural entries: read_mo gives lists, read_po tuples
        compiled = {_hashable(m.id): _hashable(m.string) for m in read_mo(mo) if m.id}
    source = {_hashable(m.id): _hashable(m.string) for m in messages(locale)}
    differing = sorted(str(key) for key in source.keys() | compiled.keys() if source.get(key) != compiled.get(key))
    assert not differing, f"{locale}: the .mo file is out of date (run `make compile`): {differing}"


TRANSLATION_FUNCTIONS = {"_", "L_", "gettext", "lazy_gettext", "ngettext", "pgettext", "lazy_pgettext"}


def test_source_passes_only_literal_texts_to_the_translation_functions() -> None:
    """``_(f"…")`` or ``_("…" % x)`` would never match a catalogue entry (saas/i18n.py rules)."""
    offenders = []
    for folder in ("saas", "tenants", "config"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                        and node.func.id in TRANSLATION_FUNCTIONS):
                    continue
                literal_args = 2 if node.func.id in ("ngettext", "pgettext", "lazy_pgettext") else 1
                args = node.args[:literal_args]
                if len(args) < literal_args or not all(
                        isinstance(a, ast.Constant) and isinstance(a.value, str) for a in args):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not offenders, offenders


# Language and direction of pages ---------------------------------------------------------


@pytest.mark.parametrize(("header", "expected"), [
    (None, ("nl", "ltr")),
    ("en", ("en", "ltr")),
    ("en-US,en;q=0.9", ("en", "ltr")),
    ("ar", ("ar", "rtl")),
    ("ar-MA,ar;q=0.9,fr;q=0.8", ("ar", "rtl")),
    ("de-DE,de;q=0.9", ("nl", "ltr")),
    ("de, en;q=0.5, ar;q=0.9", ("ar", "rtl")),
    ("nl-BE", ("nl", "ltr")),
])
def test_anonymous_pages_follow_the_browser_language_else_dutch(client: FlaskClient, header: str | None,
                                                                expected: tuple[str, str]) -> None:
    headers = {"Accept-Language": header} if header else {}

    response = client.get("/login", headers=headers)

    assert html_lang(response.text) == expected


def test_every_language_has_the_right_direction(client: FlaskClient) -> None:
    for locale in LOCALES:
        page = client.get("/login", headers={"Accept-Language": locale}).text
        assert html_lang(page) == (locale, "rtl" if locale in RTL_LANGUAGES else "ltr")
        assert str(escape(translation("Skip to main content", locale))) in page


def test_arabic_pages_are_right_to_left_and_in_arabic(client: FlaskClient) -> None:
    response = client.get("/login", headers={"Accept-Language": "ar"})

    assert '<html lang="ar" dir="rtl">' in response.text
    assert str(escape(translation("Sign in", "ar"))) in response.text


@pytest.fixture
def english_tenant(app: Flask) -> Tenant:
    return create_tenant(app, "english", default_locale="en")


@pytest.fixture
def member_without_preference(app: Flask, english_tenant: Tenant) -> User:
    return create_user(app, "member@english.example", tenant=english_tenant, role=Role.VOLUNTEER)


def test_the_tenant_language_applies_to_members_without_a_preference(
        client: FlaskClient, member_without_preference: User) -> None:
    sign_in(client, member_without_preference)

    response = client.get("/t/english/", headers={"Accept-Language": "ar"})

    assert response.status_code == 200
    assert html_lang(response.text) == ("en", "ltr")


def test_outside_the_tenant_the_browser_language_applies_again(
        client: FlaskClient, member_without_preference: User) -> None:
    sign_in(client, member_without_preference)

    response = client.get("/account/", headers={"Accept-Language": "ar"})

    assert html_lang(response.text) == ("ar", "rtl")


def test_a_choice_in_the_session_beats_the_tenant_language(client: FlaskClient,
                                                           member_without_preference: User) -> None:
    client.post("/language", data={"locale": "ar"})  # chosen before signing in: kept in the session
    sign_in(client, member_without_preference)

    response = client.get("/t/english/", headers={"Accept-Language": "en"})

    assert html_lang(response.text) == ("ar", "rtl")


def test_a_choice_in_the_session_beats_the_browser(client: FlaskClient) -> None:
    client.post("/language", data={"locale": "en"})

    response = client.get("/login", headers={"Accept-Language": "ar"})

    assert html_lang(response.text) == ("en", "ltr")


def test_the_persons_own_choice_beats_everything(app: Flask, client: FlaskClient, english_tenant: Tenant) -> None:
    user = create_user(app, "arabic@english.example", tenant=english_tenant, role=Role.VOLUNTEER, locale="ar")
    client.post("/language", data={"locale": "en"})  # an anonymous choice in the session
    sign_in(client, user)

    response = client.get("/t/english/", headers={"Accept-Language": "en"})

    assert html_lang(response.text) == ("ar", "rtl")


def test_an_unknown_stored_locale_falls_through(app: Flask, client: FlaskClient, english_tenant: Tenant) -> None:
    user = create_user(app, "klingon@english.example", tenant=english_tenant, role=Role.VOLUNTEER, locale="tlh")
    sign_in(client, user)

    assert html_lang(client.get("/t/english/").text) == ("en", "ltr")


# The language switch ---------------------------------------------------------------------


def test_anonymous_switch_stores_the_choice_in_the_session_and_goes_back(client: FlaskClient) -> None:
    response = client.post("/language", data={"locale": "en", "next": "/password/forgot"})

    assert response.status_code == 302
    assert response.location == "/password/forgot"
    with client.session_transaction() as session:
        assert session["locale"] == "en"
    assert html_lang(client.get("/login").text) == ("en", "ltr")


def test_signed_in_switch_stores_the_choice_on_the_account(app: Flask, signed_in: SignIn, volunteer_a: User) -> None:
    client = signed_in(volunteer_a)

    response = client.post("/language", data={"locale": "ar", "next": "/t/alpha/"})

    assert response.status_code == 302
    assert response.location == "/t/alpha/"
    with app.app_context():
        assert db.session.get(User, volunteer_a.id).locale == "ar"
    other_device = app.test_client()
    sign_in(other_device, volunteer_a)
    assert html_lang(other_device.get("/t/alpha/").text) == ("ar", "rtl")


def test_an_unknown_language_is_ignored(app: Flask, signed_in: SignIn, volunteer_a: User) -> None:
    client = signed_in(volunteer_a)

    response = client.post("/language", data={"locale": "de", "next": "/account/"})

    assert response.status_code == 302
    assert response.location == "/account/"
    with app.app_context():
        assert db.session.get(User, volunteer_a.id).locale is None
    assert html_lang(client.get("/account/").text) == ("nl", "ltr")


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/", "/\\evil.example", "\\\\evil.example", "javascript:alert(1)",
    "http:/evil.example", "evil.example", "/\t/evil.example", "",
])
def test_the_switch_only_goes_back_to_local_paths(client: FlaskClient, target: str) -> None:
    response = client.post("/language", data={"locale": "en", "next": target})

    assert response.status_code == 302
    assert response.location == "/"


def test_the_switch_keeps_a_local_path_with_its_query(client: FlaskClient) -> None:
    response = client.post("/language", data={"locale": "en", "next": "/t/alpha/members/?page=2"})

    assert response.location == "/t/alpha/members/?page=2"


def test_choosing_automatic_in_the_profile_returns_to_the_tenant_language(
        app: Flask, client: FlaskClient, english_tenant: Tenant) -> None:
    user = create_user(app, "auto@english.example", tenant=english_tenant, role=Role.VOLUNTEER, locale="ar")
    sign_in(client, user)

    client.post("/account/profile", data={"name": user.name, "locale": "auto"})

    with app.app_context():
        assert db.session.get(User, user.id).locale is None
    assert html_lang(client.get("/t/english/").text) == ("en", "ltr")


# Mails in the recipient's language -------------------------------------------------------


def invite_from(app: Flask, tenant: Tenant, email: str) -> None:
    """A manager who reads Dutch invites ``email`` into ``tenant``."""
    manager = create_user(app, f"manager@{tenant.slug}.example", tenant=tenant, role=Role.MANAGER, locale="nl")
    client = app.test_client()
    sign_in(client, manager)
    response = client.post(f"/t/{tenant.slug}/members/invite", data={"email": email, "role": "volunteer"})
    assert response.status_code == 302


@pytest.mark.parametrize("locale", LOCALES)
def test_the_invitation_mail_is_in_the_tenants_language(app: Flask, mailbox: Mailbox, locale: str) -> None:
    tenant = create_tenant(app, f"mail-{locale}", name=f"Samen Oplopen {locale.upper()}", default_locale=locale)

    invite_from(app, tenant, "invitee@example.org")

    [mail] = mailbox.to("invitee@example.org")
    assert mail["Subject"] == translation("Invitation to %(tenant)s", locale) % {"tenant": tenant.name}
    body = mail.get_content()
    assert translation("Hello,", locale) in body
    assert translation("Not expecting this? Then you can ignore this e-mail.", locale) in body


def test_arabic_invitation_mail_is_arabic_text(app: Flask, mailbox: Mailbox) -> None:
    tenant = create_tenant(app, "arabic", name="Samen Oplopen Arabic", default_locale="ar")

    invite_from(app, tenant, "invitee@example.org")

    [mail] = mailbox.to("invitee@example.org")
    assert re.search(r"[\u0600-\u06FF]", mail["Subject"]), mail["Subject"]
    assert re.search(r"[\u0600-\u06FF]{3,}", mail.get_content())


def test_the_reset_mail_is_in_the_persons_language_not_the_browsers(app: Flask, client: FlaskClient,
                                                                     mailbox: Mailbox) -> None:
    create_user(app, "arabic@example.org", locale="ar")

    response = client.post("/password/forgot", data={"email": "arabic@example.org"},
                           headers={"Accept-Language": "en"})

    assert response.status_code == 302
    [mail] = mailbox.to("arabic@example.org")
    assert mail["Subject"] == translation("Choose a new password", "ar")


def test_the_reset_mail_without_a_preference_follows_the_page_language(app: Flask, client: FlaskClient,
                                                                       mailbox: Mailbox) -> None:
    create_user(app, "someone@example.org")

    client.post("/password/forgot", data={"email": "someone@example.org"}, headers={"Accept-Language": "en"})

    [mail] = mailbox.to("someone@example.org")
    assert mail["Subject"] == translation("Choose a new password", "en")
    with app.app_context():
        assert db.session.scalars(select(User.locale).where(User.email == "someone@example.org")).one() is None
