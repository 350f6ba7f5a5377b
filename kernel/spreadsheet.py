"""CSV cells a spreadsheet will not run: the one rule of every CSV export (CSV injection)."""

# A cell starting with one of these is a formula to a spreadsheet.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """The value as CSV text; a would-be formula is prefixed with an apostrophe (a negative
    number stays a number)."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS) and not _is_plain_number(text):
        return "'" + text
    return text


def _is_plain_number(text: str) -> bool:
    return text[1:].replace(".", "", 1).isdigit()
