from django.db.backends.postgresql import base

from myhibachi.db.introspection import SchemaAwareIntrospection


class DatabaseWrapper(base.DatabaseWrapper):
    introspection_class = SchemaAwareIntrospection
