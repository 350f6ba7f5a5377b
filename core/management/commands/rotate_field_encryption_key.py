"""`manage.py rotate_field_encryption_key`: re-encrypt every encrypted column with the current key.

Set the new key as FIELD_ENCRYPTION_KEY and the old one as OLD_FIELD_ENCRYPTION_KEY, run this,
then drop the old one (README, "Rotating the field-encryption key"). The old key is read from
an environment variable, never from the command line (shell history, `ps`).

Each encrypted column is read raw (a cast to bytea: the field itself would decrypt with the
current key), decrypted with the old key and written back through the ORM, which encrypts with
the current one; in batches, one transaction each, the rows locked while they are rewritten. A
row the current key already reads is left alone, so a second run, or one after an
interruption, writes only what is left.
"""

import os

from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction
from django.db.models.functions import Cast

from kernel.field_encryption import Unreadable, encrypted_fields, fernet_for, read

DEFAULT_OLD_KEY_ENV = "OLD_FIELD_ENCRYPTION_KEY"


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted column from the old field-encryption key (read from the "
        f"environment variable named by --old-key-env, {DEFAULT_OLD_KEY_ENV} by default) to the "
        "current FIELD_ENCRYPTION_KEY. Safe to run again."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--old-key-env",
            default=DEFAULT_OLD_KEY_ENV,
            help="The NAME of the environment variable holding the old key (never the key itself).",
        )
        parser.add_argument("--batch-size", type=int, default=500, help="Rows per transaction.")

    def handle(self, *args, old_key_env: str, batch_size: int, **options) -> None:
        old_key = os.environ.get(old_key_env, "")
        if not old_key:
            raise CommandError(f"Set the environment variable {old_key_env} to the old FIELD_ENCRYPTION_KEY.")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        old = fernet_for(old_key)

        fields = []
        for model, field in encrypted_fields():
            label = f"{model._meta.label}.{field.name}"
            if field.key is not None:
                self.stdout.write(f"{label}: skipped (encrypted with its own key, not FIELD_ENCRYPTION_KEY)")
            elif field.ttl is not None:
                # Re-encrypting would restart the clock of values meant to expire.
                raise CommandError(f"{label} has a ttl: this command does not rotate such fields.")
            elif field._fernet.key == old.key:
                raise CommandError(
                    f"{old_key_env} is the current key: set FIELD_ENCRYPTION_KEY to the new key first."
                )
            else:
                fields.append((model, field, label))

        total = 0
        for model, field, label in fields:
            rotated, current = self._rotate(model, field, label, old, old_key_env, batch_size)
            self.stdout.write(f"{label}: {rotated} re-encrypted, {current} already under the current key")
            total += rotated
        self.stdout.write(
            self.style.SUCCESS(f"Done: {total} value(s) re-encrypted with FIELD_ENCRYPTION_KEY.")
        )

    def _rotate(self, model, field, label, old, old_key_env, batch_size) -> tuple[int, int]:
        new = field._fernet  # what the ORM encrypts and decrypts this field with
        manager = model._base_manager
        rows = manager.filter(**{f"{field.name}__isnull": False}).order_by("pk")
        raw = Cast(field.name, models.BinaryField())  # the ciphertext, not decrypted
        rotated = current = 0
        last_pk = None
        while True:
            with transaction.atomic():
                page = rows if last_pk is None else rows.filter(pk__gt=last_pk)
                batch = list(page.select_for_update().values_list("pk", raw)[:batch_size])
                if not batch:
                    return rotated, current
                values = {}
                for pk, ciphertext in batch:
                    try:
                        read(new, field, bytes(ciphertext))
                        current += 1
                        continue
                    except Unreadable:
                        pass
                    try:
                        values[pk] = read(old, field, bytes(ciphertext))
                    except Unreadable:
                        raise CommandError(
                            f"{label} {pk}: neither {old_key_env} nor FIELD_ENCRYPTION_KEY decrypts it. "
                            f"Is {old_key_env} the old key? Nothing of this batch was written "
                            f"({rotated} value(s) re-encrypted before it; running again resumes)."
                        ) from None
                for pk, value in values.items():
                    manager.filter(pk=pk).update(**{field.name: value})
                rotated += len(values)
                last_pk = batch[-1][0]
