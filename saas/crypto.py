"""Encryption at rest with AES-256-GCM (docs/architecture.md §7).

* Platform secrets (TOTP) are sealed under a key derived from the master key (``SAAS_MASTER_KEY``).
* Tenant data (notes that may hold health or safety details) is sealed under the tenant's own
  data key, which is stored wrapped by the master key (:class:`saas.tenancy.models.TenantKey`).

Each value is sealed with associated data naming where it belongs (tenant, purpose, row), so a
ciphertext copied to another row, purpose or tenant fails to open.
"""

from __future__ import annotations

import os
import uuid

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from sqlalchemy import select

FORMAT_VERSION = b"\x01"
NONCE_BYTES = 12


class DecryptionError(RuntimeError):
    """The ciphertext was altered, belongs elsewhere, or the master key changed."""


def _derive_key(master_key: str, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"samen-oplopen:" + purpose).derive(
        master_key.encode())


def _platform_key() -> bytes:
    return _derive_key(current_app.config["MASTER_KEY"], b"platform")


def _seal_with(key: bytes, plaintext: bytes, associated_data: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return FORMAT_VERSION + nonce + AESGCM(key).encrypt(nonce, plaintext, associated_data)


def _unseal_with(key: bytes, sealed: bytes, associated_data: bytes) -> bytes:
    if not sealed.startswith(FORMAT_VERSION) or len(sealed) < 1 + NONCE_BYTES + 16:
        raise DecryptionError("unknown ciphertext format")
    nonce, body = sealed[1:1 + NONCE_BYTES], sealed[1 + NONCE_BYTES:]
    try:
        return AESGCM(key).decrypt(nonce, body, associated_data)
    except InvalidTag as exc:
        raise DecryptionError("ciphertext does not open with this key and place") from exc


def seal(plaintext: bytes, associated_data: bytes) -> bytes:
    """Encrypt ``plaintext`` with the platform key; ``associated_data`` binds it to its place."""
    return _seal_with(_platform_key(), plaintext, associated_data)


def unseal(sealed: bytes, associated_data: bytes) -> bytes:
    """Decrypt what :func:`seal` produced, or raise :class:`DecryptionError`."""
    return _unseal_with(_platform_key(), sealed, associated_data)


# Tenant data ---------------------------------------------------------------------------------

_KEY_CACHE = "tenant_data_keys"


def ensure_tenant_key() -> None:
    """Create the bound tenant's data key if it has none (done when a tenant is provisioned)."""
    _tenant_keyring()


def _tenant_keyring() -> tuple[uuid.UUID, list[bytes]]:
    """The bound tenant's data keys, oldest first; the first seals, any of them may open.

    Normally there is exactly one (created with the tenant). Two requests racing to create the
    first key would leave two; keeping every key usable for opening makes that harmless.
    """
    from saas.db import bound_tenant_id, db
    from saas.tenancy.models import TenantKey

    tenant_id = bound_tenant_id(db.session)
    if tenant_id is None:
        raise DecryptionError("tenant data can only be sealed or opened with a tenant bound")
    cache = db.session.info.setdefault(_KEY_CACHE, {})
    if tenant_id not in cache:
        wrap_aad = f"tenant-key:{tenant_id}".encode()
        stored = list(db.session.scalars(select(TenantKey).order_by(TenantKey.created_at, TenantKey.id)))
        if not stored:
            stored = [TenantKey(wrapped_key=seal(os.urandom(32), wrap_aad))]
            db.session.add(stored[0])
            db.session.flush()
        cache[tenant_id] = [unseal(key.wrapped_key, wrap_aad) for key in stored]
    return tenant_id, cache[tenant_id]


def seal_text(text: str | None, purpose: str, row_id: uuid.UUID) -> bytes | None:
    """Encrypt ``text`` for the bound tenant, bound to ``purpose`` (e.g. "family_note") and the row."""
    if text is None:
        return None
    tenant_id, keys = _tenant_keyring()
    return _seal_with(keys[0], text.encode(), f"{tenant_id}:{purpose}:{row_id}".encode())


def open_text(sealed: bytes | None, purpose: str, row_id: uuid.UUID) -> str | None:
    """Decrypt what :func:`seal_text` produced for the same tenant, purpose and row."""
    if sealed is None:
        return None
    tenant_id, keys = _tenant_keyring()
    associated_data = f"{tenant_id}:{purpose}:{row_id}".encode()
    for key in keys:
        try:
            return _unseal_with(key, sealed, associated_data).decode()
        except DecryptionError:
            continue
    raise DecryptionError("ciphertext does not open with this tenant's keys and place")


def blind_index(value: str, purpose: str) -> str:
    """A keyed hash of ``value`` for the bound tenant, to find a sealed value by equality (a phone
    number typed in the search) without storing it in the clear. HMAC-SHA256 under a key derived
    from the master key, bound to the tenant and ``purpose``; no statement is run."""
    import hmac

    from saas.db import bound_tenant_id, db

    tenant_id = bound_tenant_id(db.session)
    if tenant_id is None:
        raise DecryptionError("a blind index is only made with a tenant bound")
    key = _derive_key(current_app.config["MASTER_KEY"], b"blind-index")
    return hmac.new(key, f"{tenant_id}:{purpose}:{value}".encode(), "sha256").hexdigest()
