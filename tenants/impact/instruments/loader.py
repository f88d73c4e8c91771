"""Loading and retiring instruments (foundation data; see tenants.impact.instruments.models); choosing
the one new measurements use is a read, in tenants.impact.instruments.queries.

An instrument arrives as a JSON or YAML document (the default one is default_instrument.yaml). It
is checked completely before anything is written, and every problem is reported with where it is
("domains[3].items[2] (line 40): the text in Arabic is missing"), so the foundation can fix a file
in one go. Positions in these paths count from 1, as a person reads the file.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from sqlalchemy import select

from saas.audit.operations import record_platform
from saas.auth.models import User
from saas.db import bound_tenant_id, db, utcnow
from saas.errors import OperationError
from saas.i18n import L_, _
from tenants.impact.instruments.checks import Checker, InstrumentSpec, Path_, located
from tenants.impact.instruments.models import Instrument, InstrumentDomain, InstrumentItem
from tenants.impact.instruments.queries import DEFAULT_CODE

DEFAULT_FILE = Path(__file__).with_name("default_instrument.yaml")
#: Larger files are refused before parsing; the licensed questionnaire is a few dozen kilobytes.
MAX_BYTES = 1_000_000


#: The form field of the uploaded document (the foundation's instruments page).
UPLOAD_FIELD = "file"
#: A number of thousands of digits: Python refuses to read it (and no instrument holds one).
NUMBER_TOO_LONG = L_("The file holds a number too long to read; an instrument's numbers are small.")


class InstrumentError(OperationError):
    """The document cannot be loaded; ``errors`` lists every problem (translated, with where). The
    problems are about the document, so a page shows them at its upload field."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors), field=UPLOAD_FIELD)
        self.errors = errors


# Reading ---------------------------------------------------------------------------------------


def parse_instrument(text: str) -> InstrumentSpec:
    """The checked contents of a JSON or YAML document; :class:`InstrumentError` lists all problems."""
    if len(text.encode("utf-8", errors="replace")) > MAX_BYTES:
        raise InstrumentError([_("The file is larger than %(size)s MB.", size=MAX_BYTES // 1_000_000)])
    document, lines = _read(text)
    checker = Checker(lines)
    spec = checker.instrument(document)
    if checker.errors or spec is None:
        raise InstrumentError(checker.errors)
    return spec


def _read(text: str) -> tuple[object, dict[Path_, int]]:
    """The parsed document and the line of each part (YAML only; JSON errors carry their own line)."""
    if text.lstrip().startswith(("{", "[")):
        try:
            return json.loads(text), _yaml_lines(text)
        except RecursionError:
            raise InstrumentError([_("The file is nested too deeply to be an instrument.")]) from None
        except json.JSONDecodeError as exc:
            raise InstrumentError(
                [
                    _(
                        "The file is not valid JSON (line %(line)s, column %(column)s): %(problem)s",
                        line=exc.lineno,
                        column=exc.colno,
                        problem=exc.msg,
                    )
                ]
            ) from None
        except ValueError:
            raise InstrumentError([str(NUMBER_TOO_LONG)]) from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        lines: dict[Path_, int] = {}
        _map_lines(node, (), lines, set())
        return yaml.safe_load(text), lines
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        raise InstrumentError(
            [
                _(
                    "The file is not valid YAML (line %(line)s): %(problem)s",
                    line=line,
                    problem=exc.problem or exc.context or "",
                )
            ]
        ) from None
    except yaml.YAMLError as exc:
        raise InstrumentError([_("The file is not valid YAML: %(problem)s", problem=str(exc))]) from None
    except RecursionError:
        raise InstrumentError([_("The file is nested too deeply to be an instrument.")]) from None
    except ValueError:  # a number of thousands of digits: Python refuses to read it
        raise InstrumentError([str(NUMBER_TOO_LONG)]) from None


def _yaml_lines(text: str) -> dict[Path_, int]:
    """Lines of a JSON document read as YAML (JSON is nearly always valid YAML); none if it is not."""
    try:
        lines: dict[Path_, int] = {}
        _map_lines(yaml.compose(text, Loader=yaml.SafeLoader), (), lines, set())
        return lines
    except (yaml.YAMLError, InstrumentError):
        return {}


def _map_lines(node: yaml.Node | None, path: Path_, lines: dict[Path_, int], seen: set[int]) -> None:
    if node is None:
        return
    seen.add(id(node))
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        children = [(key.value, value, key.start_mark.line + 1) for key, value in node.value]
    elif isinstance(node, yaml.SequenceNode):
        children = [(index, value, value.start_mark.line + 1) for index, value in enumerate(node.value)]
    else:
        return
    for part, child, line in children:
        # An alias makes a node appear twice; refusing them also stops "billion laughs" documents.
        if id(child) in seen:
            raise InstrumentError(
                [_("The file uses YAML anchors or aliases (line %(line)s); write every part out.", line=line)]
            )
        _map_lines(child, (*path, part), lines, seen)


# Writing ---------------------------------------------------------------------------------------


def load_instrument(actor: User | None, text: str) -> Instrument:
    """Check ``text`` and add it as a new instrument version (flush only); nothing is written on errors."""
    _foundation_only()  # before reading the document: inside a tenant there is nothing to check
    return add_instrument(actor, parse_instrument(text))


def add_instrument(actor: User | None, spec: InstrumentSpec) -> Instrument:
    """Add the checked ``spec`` (from :func:`parse_instrument`) as a new instrument version (flush only)."""
    _foundation_only()
    _check_version(spec)
    instrument = _create(spec)
    record_platform(
        "instrument.loaded", user=actor, instrument=str(instrument.id), code=instrument.code, version=instrument.version
    )
    return instrument


def _foundation_only() -> None:
    """Refuse inside a tenant: instruments are the foundation's, read by every tenant."""
    if bound_tenant_id(db.session) is not None:
        raise OperationError(L_("Only the foundation can change its instruments."))


def _check_version(spec: InstrumentSpec) -> None:
    newest = db.session.scalar(select(db.func.max(Instrument.version)).where(Instrument.code == spec.code))
    if newest is None or spec.version > newest:
        return
    if spec.version == newest:
        problem = _(
            "version %(version)s of “%(code)s” has already been loaded; give the new one a higher version number.",
            version=spec.version,
            code=spec.code,
        )
    else:
        problem = _(
            "the version must be higher than %(newest)s, the newest version of “%(code)s”.",
            newest=newest,
            code=spec.code,
        )
    raise InstrumentError([located("version", problem)])


def _create(spec: InstrumentSpec) -> Instrument:
    instrument = Instrument(
        code=spec.code,
        version=spec.version,
        name=spec.name,
        description=spec.description,
        is_example=spec.is_example,
        scale=[dict(point) for point in spec.scale],
        min_answered_percent=spec.min_answered_percent,
    )
    position = 0
    for domain_position, domain_spec in enumerate(spec.domains, start=1):
        domain = InstrumentDomain(code=domain_spec.code, position=domain_position, labels=domain_spec.labels)
        instrument.domains.append(domain)
        for item_spec in domain_spec.items:
            position += 1  # items are numbered through the whole instrument, as they are asked
            instrument.items.append(
                InstrumentItem(
                    domain=domain,
                    code=item_spec.code,
                    position=position,
                    texts=item_spec.texts,
                    reverse_scored=item_spec.reverse_scored,
                )
            )
    db.session.add(instrument)
    db.session.flush()
    return instrument


def retire(actor: User | None, instrument: Instrument) -> None:
    """Stop offering this version for new measurements; measurements taken with it keep it."""
    _foundation_only()
    if instrument.is_retired:
        raise OperationError(L_("This version has already been retired."))
    instrument.retired_at = utcnow()
    db.session.flush()
    record_platform(
        "instrument.retired",
        user=actor,
        instrument=str(instrument.id),
        code=instrument.code,
        version=instrument.version,
    )


def ensure_default_instrument() -> Instrument:
    """The newest version of the default instrument, loading default_instrument.yaml when there is none.

    Idempotent, and safe inside a tenant (the demo seed and the measurements pages call it): it
    never adds a second copy, and never brings back a default the foundation retired.
    """
    existing = db.session.scalar(
        select(Instrument).where(Instrument.code == DEFAULT_CODE).order_by(Instrument.version.desc()).limit(1)
    )
    if existing is not None:
        return existing
    instrument = _create(parse_instrument(DEFAULT_FILE.read_text(encoding="utf-8")))
    record_platform(
        "instrument.loaded", instrument=str(instrument.id), code=instrument.code, version=instrument.version
    )
    return instrument
