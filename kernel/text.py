"""Text PostgreSQL cannot hold: a NUL character, and a lone surrogate.

PostgreSQL refuses a NUL in text and jsonb values alike (a DataError), and a lone surrogate
(a JSON "\\ud800" without its pair) is not UTF-8 at all, so it can be neither stored nor
rendered in a UTF-8 response. Input from a client is refused (kernel.api, the middleware);
what an authenticated sender or our own trail must keep is stored with U+FFFD in their place.
"""

import re

NULL_CHARACTER_MESSAGE = "Null characters are not allowed."
SURROGATE_MESSAGE = "Unpaired surrogate characters are not allowed."
REPLACEMENT_CHARACTER = "\ufffd"
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def unstorable_text_error(text: str) -> str | None:
    """Why a column cannot take this text, or None when it can."""
    if "\x00" in text:
        return NULL_CHARACTER_MESSAGE
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return SURROGATE_MESSAGE
    return None


def storable_text(text: str) -> str:
    """The text with U+FFFD for each NUL and lone surrogate (json.loads joins valid pairs)."""
    return _UNSTORABLE.sub(REPLACEMENT_CHARACTER, text)


def storable_json(data):
    """Parsed JSON with every string, keys included, made storable; lists and dicts in place.

    Iterative: a document nested as deeply as json.loads allows is no RecursionError here.
    """
    if isinstance(data, str):
        return storable_text(data)
    pending = [data]
    while pending:
        container = pending.pop()
        if isinstance(container, list):
            for index, item in enumerate(container):
                if isinstance(item, str):
                    container[index] = storable_text(item)
                elif isinstance(item, list | dict):
                    pending.append(item)
        elif isinstance(container, dict):
            items = [
                (storable_text(key) if isinstance(key, str) else key, value)
                for key, value in container.items()
            ]
            container.clear()
            for key, value in items:
                if isinstance(value, str):
                    value = storable_text(value)
                elif isinstance(value, list | dict):
                    pending.append(value)
                container[key] = value
    return data
