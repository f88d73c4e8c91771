"""The foundation's instruments at /foundation/instruments: list, versions, load a new one, retire a version.

Foundation staff look; admins load and retire. The same actions exist on the command line
(``flask instruments load|list|retire|default``). These pages read only the platform tables of
tenants.impact.instruments.models: how often an instrument was used lives in the tenants' own tables.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from pathlib import Path

import click
from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from saas.db import db
from saas.errors import OperationError, invalid_input, or_404
from saas.foundation.access import foundation_blueprint, require_foundation_admin
from saas.i18n import L_, _
from tenants.impact.instruments import loader
from tenants.impact.instruments.loader import MAX_BYTES, InstrumentError
from tenants.impact.instruments.models import Instrument, InstrumentDomain, InstrumentItem, localized

bp = foundation_blueprint("instruments", __name__, template_folder="templates")
ACCEPTED_SUFFIXES = (".json", ".yaml", ".yml")

#: Names of this module's audit actions, declared in the package's front door (saas.audit.labels).
AUDIT_LABELS = {
    "instrument.loaded": L_("Instrument loaded"),
    "instrument.retired": L_("Instrument version retired"),
}


def _instrument_rows() -> list[tuple[Instrument, int, int]]:
    """Every version with its number of domains and items, in one statement."""
    domains = (select(func.count(InstrumentDomain.id)).where(InstrumentDomain.instrument_id == Instrument.id)
               .correlate(Instrument).scalar_subquery())
    items = (select(func.count(InstrumentItem.id)).where(InstrumentItem.instrument_id == Instrument.id)
             .correlate(Instrument).scalar_subquery())
    query = select(Instrument, domains, items).order_by(Instrument.code, Instrument.version.desc())
    return [tuple(row) for row in db.session.execute(query)]  # type: ignore[misc]


def _render_index(errors: dict[str, list[str]] | None = None, status: int = 200) -> ResponseReturnValue:
    return render_template("instruments/index.html", rows=_instrument_rows(), errors=errors or {},
                           text=localized, max_megabytes=MAX_BYTES // 1_000_000), status


@bp.route("/instruments/")
def index() -> ResponseReturnValue:
    return _render_index()


@bp.route("/instruments/<uuid:instrument_id>")
def show(instrument_id: uuid.UUID) -> ResponseReturnValue:
    instrument = or_404(db.session.scalars(
        select(Instrument).where(Instrument.id == instrument_id)
        .options(selectinload(Instrument.domains), selectinload(Instrument.items))).first())
    items_by_domain: dict[uuid.UUID, list[InstrumentItem]] = defaultdict(list)
    for item in instrument.items:
        items_by_domain[item.domain_id].append(item)
    return render_template("instruments/show.html", instrument=instrument, items_by_domain=items_by_domain,
                           text=localized)


@bp.route("/instruments/load", methods=["POST"])
@require_foundation_admin
def load() -> ResponseReturnValue:
    text, problems = _uploaded_text()
    if text is not None:
        try:
            instrument = loader.load_instrument(current_user, text)
        except InstrumentError as exc:
            problems = exc.errors
        except OperationError as exc:
            problems = [str(exc)]
    if problems:
        errors = {"file": problems}
        return invalid_input(errors, lambda: _render_index(errors, 422))
    flash(_("Version %(version)s of %(name)s has been loaded.", version=instrument.version,
            name=localized(instrument.name)), "success")
    return redirect(url_for(".show", instrument_id=instrument.id))


def _uploaded_text() -> tuple[str | None, list[str]]:
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return None, [_("Choose a JSON or YAML file to load.")]
    if Path(upload.filename).suffix.lower() not in ACCEPTED_SUFFIXES:
        return None, [_("Only .json, .yaml and .yml files can be loaded.")]
    content = upload.stream.read(MAX_BYTES + 1)
    if len(content) > MAX_BYTES:
        return None, [_("The file is larger than %(size)s MB.", size=MAX_BYTES // 1_000_000)]
    try:
        return content.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        return None, [_("The file is not UTF-8 text.")]


@bp.route("/instruments/<uuid:instrument_id>/retire", methods=["POST"])
@require_foundation_admin
def retire(instrument_id: uuid.UUID) -> ResponseReturnValue:
    instrument = or_404(db.session.get(Instrument, instrument_id))
    try:
        loader.retire(current_user, instrument)
    except OperationError as exc:
        flash(str(exc), "error")
    else:
        flash(_("Version %(version)s of %(name)s has been retired. Measurements taken with it keep it.",
                version=instrument.version, name=localized(instrument.name)), "success")
    return redirect(url_for(".show", instrument_id=instrument.id))


# The command line: flask instruments … (run outside any tenant; each command commits itself) -----


def _fail(problems: list[str]) -> None:
    db.session.rollback()
    raise click.ClickException("\n".join(problems))


@bp.cli.command("load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def load_command(file: Path) -> None:
    """Load an instrument version from a JSON or YAML FILE."""
    try:
        instrument = loader.load_instrument(None, file.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        _fail([f"{file}: not UTF-8 text."])
    except InstrumentError as exc:
        _fail([f"{file}:", *(f"  {problem}" for problem in exc.errors)])
    except OperationError as exc:
        _fail([str(exc)])
    db.session.commit()
    click.echo(f"Loaded {instrument.code} version {instrument.version}: {len(instrument.domains)} domains, "
               f"{len(instrument.items)} items.")


@bp.cli.command("list")
def list_command() -> None:
    """List every instrument version with its domains, items and state."""
    for instrument, domains, items in _instrument_rows():
        state = "retired" if instrument.is_retired else "active"
        example = " (example)" if instrument.is_example else ""
        click.echo(f"{instrument.code:<32} v{instrument.version:<4} {state:<8} {domains:>3} domains {items:>4} items"
                   f"  {localized(instrument.name, 'en')}{example}")


@bp.cli.command("retire")
@click.argument("code")
@click.argument("version", type=int)
def retire_command(code: str, version: int) -> None:
    """Retire VERSION of the instrument CODE (measurements taken with it keep it)."""
    instrument = db.session.scalar(select(Instrument).where(Instrument.code == code, Instrument.version == version))
    if instrument is None:
        _fail([f"There is no version {version} of {code}."])
    try:
        loader.retire(None, instrument)
    except OperationError as exc:
        _fail([str(exc)])
    db.session.commit()
    click.echo(f"Retired {code} version {version}.")


@bp.cli.command("default")
def default_command() -> None:
    """Load the default instrument (example items) unless it is there already."""
    instrument = loader.ensure_default_instrument()
    db.session.commit()
    click.echo(f"Default instrument: {instrument.code} version {instrument.version}.")
