"""Encryption at rest with AES-256-GCM under keys derived from the master key (``SAAS_MASTER_KEY``).

Each value is sealed with associated data naming where it belongs (e.g. ``b"totp:<user id>"``),
so a ciphertext copied to another row or purpose fails to open.
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

FORMAT_VERSION = b"\x01"
NONCE_BYTES = 12


class DecryptionError(RuntimeError):
    """The ciphertext was altered, belongs elsewhere, or the master key changed."""


def _derive_key(master_key: str, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"samen-oplopen:" + purpose).derive(
        master_key.encode())


def _platform_key() -> bytes:
    return _derive_key(current_app.config["MASTER_KEY"], b"platform")


def seal(plaintext: bytes, associated_data: bytes) -> bytes:
    """Encrypt ``plaintext`` with the platform key; ``associated_data`` binds it to its place."""
    nonce = os.urandom(NONCE_BYTES)
    return FORMAT_VERSION + nonce + AESGCM(_platform_key()).encrypt(nonce, plaintext, associated_data)


def unseal(sealed: bytes, associated_data: bytes) -> bytes:
    """Decrypt what :func:`seal` produced, or raise :class:`DecryptionError`."""
    if not sealed.startswith(FORMAT_VERSION) or len(sealed) < 1 + NONCE_BYTES + 16:
        raise DecryptionError("unknown ciphertext format")
    nonce, body = sealed[1:1 + NONCE_BYTES], sealed[1 + NONCE_BYTES:]
    try:
        return AESGCM(_platform_key()).decrypt(nonce, body, associated_data)
    except InvalidTag as exc:
        raise DecryptionError("ciphertext does not open with this key and place") from exc
