"""The staff-panel kit: what every app's admin is built with (docs/architecture.md).

    scoped.py        StationScopedAdmin, StationScopedInline: station scoping and the audit trail
    scoped_forms.py  their forms: choices narrowed to the user's scope, saves refused outside it
    audit_trail.py   admin_actor, audit rows of admin writes, permission-denied events
    search.py        IndexedSearchMixin: the search box through each table's indexes
    readonly.py      ReadOnlyMixin: records shown, never edited
    json_display.py  pretty_json / inline_json for JSON columns
    actions.py       actions declared as StaffAction (form, service, permission), one runner

Import from the module (`from identity.staff_panel.scoped import StationScopedAdmin`).
"""
