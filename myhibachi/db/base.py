from django.db.backends.postgresql import base

from myhibachi.db.introspection import SchemaAwareIntrospection
from myhibachi.db.operations import SchemaAwareOperations
from myhibachi.db.schema import SchemaAwareSchemaEditor


class DatabaseWrapper(base.DatabaseWrapper):
    introspection_class = SchemaAwareIntrospection
    SchemaEditorClass = SchemaAwareSchemaEditor
    ops_class = SchemaAwareOperations
