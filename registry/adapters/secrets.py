"""Secrets the registry must read back (a webhook's signing secret), kept encrypted at rest:
a copy of the database (a backup, a dump) gives nobody the secrets without SECRET_KEY.

Fernet (AES-128-CBC with HMAC-SHA256, from `cryptography`) with a key derived from the app's
SECRET_KEY by HKDF-SHA256, under a label of its own, so the key that signs the site's cookies
never encrypts anything itself. Changing SECRET_KEY makes stored secrets unreadable: their
hooks must then be registered again.
"""

from __future__ import annotations

import base64
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

LABEL = b"handle-registry webhook secrets v1"


class Unreadable(RuntimeError):
    """A stored secret that this SECRET_KEY cannot decrypt (the key changed, or the value
    was altered)."""


@lru_cache(maxsize=8)
def _fernet(secret_key: str) -> Fernet:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=LABEL).derive(
        secret_key.encode()
    )
    return Fernet(base64.urlsafe_b64encode(derived))


def encrypt(secret_key: str, plaintext: str) -> str:
    return _fernet(secret_key).encrypt(plaintext.encode()).decode("ascii")


def decrypt(secret_key: str, stored: str) -> str:
    try:
        return _fernet(secret_key).decrypt(stored.encode("ascii")).decode()
    except (InvalidToken, UnicodeError) as exc:
        raise Unreadable("This secret cannot be decrypted with the current SECRET_KEY.") from exc
