"""Input of the foundation's instruments page: the uploaded JSON or YAML document.

The upload is checked like any input, before the loader writes anything: a file is there, its
name ends in .json, .yaml or .yml, it is at most MAX_BYTES of UTF-8 text, and the document itself
is a valid instrument (every problem listed, with where). What the form hands on is the checked
document; whether its version is new is for the loader to say.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import marshmallow as ma
from flask import request
from marshmallow import pre_load
from werkzeug.datastructures import FileStorage

from saas.forms import Form
from saas.i18n import L_, _
from tenants.impact.instruments.checks import InstrumentSpec
from tenants.impact.instruments.loader import MAX_BYTES, UPLOAD_FIELD, InstrumentError, parse_instrument

ACCEPTED_SUFFIXES = (".json", ".yaml", ".yml")
CHOOSE_A_FILE = L_("Choose a JSON or YAML file to load.")


class InstrumentFile(ma.fields.Field[InstrumentSpec]):
    """An uploaded instrument document, returned as its checked contents (an InstrumentSpec)."""

    default_error_messages = {"required": CHOOSE_A_FILE, "null": CHOOSE_A_FILE, "invalid": CHOOSE_A_FILE}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> InstrumentSpec:
        if not isinstance(value, FileStorage) or not value.filename:
            raise self.make_error("invalid")
        text = _text_of(value)
        try:
            return parse_instrument(text)
        except InstrumentError as problems:
            raise ma.ValidationError(problems.errors) from problems


def _text_of(upload: FileStorage) -> str:
    """The upload as text, read no further than the size limit."""
    if Path(upload.filename or "").suffix.lower() not in ACCEPTED_SUFFIXES:
        raise ma.ValidationError(_("Only .json, .yaml and .yml files can be loaded."))
    content = upload.stream.read(MAX_BYTES + 1)
    if len(content) > MAX_BYTES:
        raise ma.ValidationError(_("The file is larger than %(size)s MB.", size=MAX_BYTES // 1_000_000))
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ma.ValidationError(_("The file is not UTF-8 text.")) from None


class UploadForm(Form):
    """The form that loads a new instrument version."""

    file = InstrumentFile(required=True)

    @pre_load
    def _with_the_upload(self, data: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
        # saas.forms reads the form's text fields; the file is in request.files (none for JSON).
        return {**data, UPLOAD_FIELD: request.files.get(UPLOAD_FIELD)}
