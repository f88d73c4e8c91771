"""Checking an instrument document (already parsed from JSON or YAML) before it is written.

The :class:`Checker` walks the whole document and collects every problem instead of stopping at the
first, each with where it is: a path such as ``domains[3].items[2].texts`` (counting from 1) and,
for YAML, the line. The result is an :class:`InstrumentSpec` of plain values for the loader.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from saas.foundation.measures import MAX_DOMAIN_ITEMS
from saas.i18n import L_, _

#: A position in the document: keys and (0-based) list indexes.
Path_ = tuple[str | int, ...]
Texts = dict[str, str]

#: Every label and text must be given in each language the platform speaks.
LANGUAGE_NAMES = {"nl": L_("Dutch"), "en": L_("English"), "ar": L_("Arabic")}
CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
INSTRUMENT_CODE_LENGTH, PART_CODE_LENGTH = 60, 40  # the column sizes in tenants.impact.instruments.models
MAX_TEXT_LENGTH = 1000
MAX_DOMAINS, MAX_ITEMS, MAX_SCALE_POINTS = 30, 500, 11
#: Bounds that keep values inside their columns (answers are small integers, versions integers).
MAX_VERSION = 100_000
MAX_SCALE_VALUE = 10
#: The agreement scale every instrument uses (tenants.impact.measurements.scoring turns its mean into a grade).
SCALE_VALUES = (1, 2, 3, 4)


@dataclass(frozen=True)
class ItemSpec:
    code: str
    texts: Texts
    reverse_scored: bool


@dataclass(frozen=True)
class DomainSpec:
    code: str
    labels: Texts
    items: tuple[ItemSpec, ...]


@dataclass(frozen=True)
class InstrumentSpec:
    code: str
    version: int
    name: Texts
    description: Texts
    is_example: bool
    scale: tuple[dict[str, Any], ...]
    min_answered_percent: int
    domains: tuple[DomainSpec, ...]


def located(where: str, problem: str) -> str:
    """One message: where in the file, then what is wrong."""
    if not where:  # a problem with the file as a whole reads as a sentence of its own
        return problem[:1].upper() + problem[1:]
    return _("%(where)s: %(problem)s", where=where, problem=problem)


def describe(path: Path_) -> str:
    """``domains[3].items[2]`` for (\"domains\", 2, \"items\", 1): positions as a person counts them."""
    text = ""
    for part in path:
        text += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _is_integer(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class Checker:
    """Collects problems in ``errors`` while building the spec (None where a part is unusable)."""

    def __init__(self, lines: dict[Path_, int] | None = None) -> None:
        self.lines = lines or {}
        self.errors: list[str] = []

    def error(self, path: Path_, problem: str) -> None:
        where = describe(path)
        line = self._line(path)
        if line is not None:
            where = _("%(path)s (line %(line)s)", path=where, line=line) if where else _("line %(line)s", line=line)
        self.errors.append(located(where, problem))

    def _line(self, path: Path_) -> int | None:
        # A missing key has no line of its own: show the line of the nearest part that exists.
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path) if path else None

    # The parts -------------------------------------------------------------------------------

    def mapping(self, value: object, path: Path_, required: tuple[str, ...], optional: tuple[str, ...] = ()
                ) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.error(path, _("expected fields (a mapping), found something else."))
            return None
        for key in value:
            if key not in required and key not in optional:
                self.error((*path, str(key)), _("unknown field “%(field)s”.", field=key))
        for key in required:
            if key not in value:
                self.error(path, _("the field “%(field)s” is missing.", field=key))
        return value

    def sequence(self, value: object, path: Path_, *, minimum: int, maximum: int, too_few: str) -> list[Any]:
        if not isinstance(value, list):
            self.error(path, _("expected a list."))
            return []
        if len(value) < minimum:
            self.error(path, too_few)
        if len(value) > maximum:
            self.error(path, _("too many: at most %(maximum)s.", maximum=maximum))
        return value

    def code(self, value: object, path: Path_, max_length: int) -> str | None:
        if not isinstance(value, str) or not CODE.fullmatch(value) or len(value) > max_length:
            self.error(path, _("a code is 1 to %(max)s letters, digits, dots, dashes or underscores, starting with "
                               "a letter or digit.", max=max_length))
            return None
        return value

    def texts(self, value: object, path: Path_) -> Texts | None:
        """A text in every language; other languages in the file are ignored."""
        if not isinstance(value, dict):
            self.error(path, _("expected a text per language (nl, en, ar)."))
            return None
        texts: Texts = {}
        for language, name in LANGUAGE_NAMES.items():
            text = value.get(language)
            if not isinstance(text, str) or not text.strip():
                self.error(path, _("the text in %(language)s is missing.", language=name))
            elif len(text) > MAX_TEXT_LENGTH:
                self.error((*path, language), _("longer than %(max)s characters.", max=MAX_TEXT_LENGTH))
            else:
                texts[language] = text.strip()
        return texts if len(texts) == len(LANGUAGE_NAMES) else None

    def flag(self, fields: dict[str, Any], key: str, path: Path_) -> bool:
        value = fields.get(key, False)
        if not isinstance(value, bool):
            self.error((*path, key), _("expected true or false."))
            return False
        return value

    # The whole -------------------------------------------------------------------------------

    def instrument(self, document: object) -> InstrumentSpec | None:
        fields = self.mapping(document, (), ("code", "version", "name", "scale", "domains"),
                              ("description", "is_example", "min_answered_percent"))
        if fields is None:
            return None
        code = self.code(fields.get("code"), ("code",), INSTRUMENT_CODE_LENGTH) if "code" in fields else None
        version = fields.get("version")
        if "version" in fields and (not _is_integer(version) or not 1 <= version <= MAX_VERSION):
            self.error(("version",), _("the version is a whole number from 1 to %(max)s.", max=MAX_VERSION))
        percent = fields.get("min_answered_percent", 50)
        if not _is_integer(percent) or not 1 <= percent <= 100:
            self.error(("min_answered_percent",), _("a whole number from 1 to 100."))
        name = self.texts(fields.get("name"), ("name",)) if "name" in fields else None
        description = self.texts(fields["description"], ("description",)) if "description" in fields else {}
        is_example = self.flag(fields, "is_example", ())
        scale = self.scale(fields["scale"]) if "scale" in fields else ()
        domains = self.domains(fields["domains"]) if "domains" in fields else ()
        if self.errors or code is None or name is None or description is None:
            return None
        return InstrumentSpec(code=code, version=version, name=name, description=description, is_example=is_example,
                              scale=scale, min_answered_percent=percent, domains=domains)

    def scale(self, value: object) -> tuple[dict[str, Any], ...]:
        points = []
        entries = self.sequence(value, ("scale",), minimum=2, maximum=MAX_SCALE_POINTS,
                                too_few=_("a scale needs at least two points."))
        for index, point in enumerate(entries):
            path = ("scale", index)
            fields = self.mapping(point, path, ("value", "labels"))
            if fields is None:
                continue
            if "value" in fields and not (_is_integer(fields["value"]) and 0 <= fields["value"] <= MAX_SCALE_VALUE):
                self.error((*path, "value"), _("the value is a whole number from 0 to %(max)s.", max=MAX_SCALE_VALUE))
                continue
            labels = self.texts(fields.get("labels"), (*path, "labels")) if "labels" in fields else None
            if "value" in fields and labels is not None:
                points.append({"value": fields["value"], "labels": labels})
        values = [point["value"] for point in points]
        # Grades (mean × 2.5), charts and the stable band assume the four-point agreement scale.
        if points and len(points) == len(entries) and values != list(SCALE_VALUES):
            self.error(("scale",), _("the scale has the four points 1, 2, 3 and 4, lowest first (a domain's "
                                     "grade is its mean × 2.5)."))
        return tuple(points)

    def domains(self, value: object) -> tuple[DomainSpec, ...]:
        domains: list[DomainSpec] = []
        domain_codes: set[str] = set()
        item_codes: set[str] = set()
        entries = self.sequence(value, ("domains",), minimum=1, maximum=MAX_DOMAINS,
                                too_few=_("an instrument needs at least one domain."))
        for index, entry in enumerate(entries):
            path = ("domains", index)
            fields = self.mapping(entry, path, ("code", "labels", "items"))
            if fields is None:
                continue
            code = self.code(fields.get("code"), (*path, "code"), PART_CODE_LENGTH) if "code" in fields else None
            if code is not None and code in domain_codes:
                self.error((*path, "code"), _("the domain code “%(code)s” is used twice.", code=code))
            domain_codes.add(code or "")
            labels = self.texts(fields.get("labels"), (*path, "labels")) if "labels" in fields else None
            items = self.items(fields.get("items"), (*path, "items"), item_codes) if "items" in fields else ()
            if code is not None and labels is not None:
                domains.append(DomainSpec(code=code, labels=labels, items=items))
        if sum(len(domain.items) for domain in domains) > MAX_ITEMS:
            self.error(("domains",), _("too many items: at most %(maximum)s.", maximum=MAX_ITEMS))
        return tuple(domains)

    def items(self, value: object, path: Path_, codes: set[str]) -> tuple[ItemSpec, ...]:
        items = []
        # At most MAX_DOMAIN_ITEMS: a domain score is then a whole number of 1/SCORE_SCALE, so sums are exact.
        entries = self.sequence(value, path, minimum=1, maximum=MAX_DOMAIN_ITEMS,
                                too_few=_("a domain needs at least one item."))
        for index, entry in enumerate(entries):
            item_path = (*path, index)
            fields = self.mapping(entry, item_path, ("code", "texts"), ("reverse_scored",))
            if fields is None:
                continue
            code = self.code(fields.get("code"), (*item_path, "code"), PART_CODE_LENGTH) if "code" in fields else None
            if code is not None and code in codes:
                self.error((*item_path, "code"), _("the item code “%(code)s” is used twice.", code=code))
            codes.add(code or "")
            texts = self.texts(fields.get("texts"), (*item_path, "texts")) if "texts" in fields else None
            reverse = self.flag(fields, "reverse_scored", item_path)
            if code is not None and texts is not None:
                items.append(ItemSpec(code=code, texts=texts, reverse_scored=reverse))
        return tuple(items)
