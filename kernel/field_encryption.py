"""The field-encryption key as django-cryptography uses it, for rotating it.

django-cryptography (django_cryptography/conf.py) turns settings.CRYPTOGRAPHY_KEY, which is
FIELD_ENCRYPTION_KEY, into the AES key with PBKDF2-HMAC-SHA256 (32 bytes, 30,000 iterations,
salt CRYPTOGRAPHY_SALT) once, at import; every encrypted field keeps the FernetBytes it built
then. `manage.py rotate_field_encryption_key` derives the old key the same way.

The ciphertext is also signed, but with SECRET_KEY (django-cryptography's FernetSigner), not
with this key: a wrong key passes the signature and is caught only by the padding (about 1 time
in 256 it is not) and by the value failing to unpickle. `read` checks both.
"""

import pickle
from collections.abc import Iterator

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils.encoding import force_bytes
from django_cryptography.fields import EncryptedMixin
from django_cryptography.utils.crypto import FernetBytes

# django_cryptography.conf.CryptographyConf.configure; a test checks both derive the same key.
PBKDF2_ITERATIONS = 30_000


class Unreadable(Exception):
    """The value was not encrypted with this key."""


def derive_key(key: str | bytes) -> bytes:
    """The AES key django-cryptography derives from `key` (FIELD_ENCRYPTION_KEY)."""
    digest = hashes.SHA256()
    kdf = PBKDF2HMAC(
        algorithm=digest,
        length=digest.digest_size,
        salt=force_bytes(settings.CRYPTOGRAPHY_SALT),
        iterations=PBKDF2_ITERATIONS,
    )
    return kdf.derive(force_bytes(key))


def fernet_for(key: str | bytes) -> FernetBytes:
    """What an encrypted field encrypts with when FIELD_ENCRYPTION_KEY is `key`."""
    return FernetBytes(derive_key(key))


def encrypted_fields() -> Iterator[tuple[type[models.Model], EncryptedMixin]]:
    """Every encrypted column: each field made by django_cryptography's encrypt(), once."""
    for model in apps.get_models():
        if model._meta.proxy:
            continue
        for field in model._meta.local_concrete_fields:
            if isinstance(field, EncryptedMixin):
                yield model, field


def read(fernet: FernetBytes, field: EncryptedMixin, ciphertext: bytes):
    """The value stored in `ciphertext` if `fernet` holds its key, else Unreadable."""
    try:
        value = pickle.loads(fernet.decrypt(ciphertext))  # noqa: S301 - signed with SECRET_KEY
        valid = field.null if value is None else field.to_python(value) == value
    except Exception as err:  # a wrong key's garbage fails in many ways
        raise Unreadable from err
    if not valid:
        raise Unreadable
    return value
