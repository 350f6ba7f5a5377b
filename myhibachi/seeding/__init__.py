"""What `manage.py seed` loads: the reference data (reference.py) and the demo (demo.py).

Both are idempotent: every row is found by a natural key (a code, an email, a reference,
or for demo rows without one a fixed UUID) and created only when it is missing, so a second
run writes nothing. Rows that exist are left as they are, including the ones staff edited in
the admin; the one exception is the roles and permissions, which identity/catalog.py owns.
"""
