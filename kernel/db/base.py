from django.db.backends.postgresql import base

from kernel.db.introspection import SchemaAwareIntrospection
from kernel.db.operations import SchemaAwareOperations
from kernel.db.schema import SchemaAwareSchemaEditor


class DatabaseWrapper(base.DatabaseWrapper):
    introspection_class = SchemaAwareIntrospection
    SchemaEditorClass = SchemaAwareSchemaEditor
    ops_class = SchemaAwareOperations
