"""JSON values (payloads, quotes, audit before/after) as the staff panel shows them."""

from __future__ import annotations

import json
from typing import Any

from django.utils.html import format_html
from django.utils.safestring import SafeString

EMPTY = "—"


def pretty_json(value: Any) -> SafeString | str:
    """Indented and sorted in a <pre>, escaped; a dash for nothing (None, {} or []), not for 0 or false."""
    if value is None or value == {} or value == []:
        return EMPTY
    return format_html("<pre>{}</pre>", json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False))


def inline_json(value: Any) -> SafeString:
    """On one line in a <code>, sorted and escaped (a list column)."""
    return format_html("<code>{}</code>", json.dumps(value, sort_keys=True))
