"""A PostgreSQL backend that understands the project's one-schema-per-app tables.

Tables are declared as ``db_table = 'core"."bookings'``. Stock Django introspection only
sees tables visible on ``search_path``, so ``flush`` silently skips schema tables and
constraint introspection misses them (a migration that drops a unique constraint can
report success and drop nothing). ``search_path`` cannot fix it because ``core.messages``
and ``ai.messages`` share a name; this backend resolves every table by its qualified name.
"""
