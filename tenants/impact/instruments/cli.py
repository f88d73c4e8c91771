"""The command line: ``flask instruments load|list|retire|default``, the same actions as the
foundation's pages. Commands run outside any tenant, and each commits itself (a command has no
request to commit for it); a refusal rolls back and ends the command with the reasons."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import click
from flask import Blueprint

from saas.db import db
from saas.errors import OperationError
from tenants.impact.instruments import loader, queries
from tenants.impact.instruments.loader import InstrumentError
from tenants.impact.instruments.models import localized

#: A blueprint without pages: it carries the ``flask instruments`` group (the package's front door lists it).
bp = Blueprint("instruments_cli", __name__, cli_group="instruments")


def _fail(problems: list[str]) -> NoReturn:
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
    click.echo(
        f"Loaded {instrument.code} version {instrument.version}: {len(instrument.domains)} domains, "
        f"{len(instrument.items)} items."
    )


@bp.cli.command("list")
def list_command() -> None:
    """List every instrument version with its domains, items and state."""
    for instrument, domains, items in queries.instrument_rows():
        state = "retired" if instrument.is_retired else "active"
        example = " (example)" if instrument.is_example else ""
        click.echo(
            f"{instrument.code:<32} v{instrument.version:<4} {state:<8} {domains:>3} domains {items:>4} items"
            f"  {localized(instrument.name, 'en')}{example}"
        )


@bp.cli.command("retire")
@click.argument("code")
@click.argument("version", type=int)
def retire_command(code: str, version: int) -> None:
    """Retire VERSION of the instrument CODE (measurements taken with it keep it)."""
    instrument = queries.instrument_version(code, version)
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
