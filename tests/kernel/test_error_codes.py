"""Every error code a client can branch on has one home, kernel/error_codes.py, and is raised by
name (issue 10: "about 25 error codes as inline strings"). A literal code in a raise or an
error response is a second home that a rename would miss."""

import ast
from pathlib import Path

from kernel import error_codes

ROOT = Path(__file__).resolve().parents[2]
APPS = ("kernel", "audit", "identity", "pricing", "ops", "core", "leads", "crm", "ai", "website", "myhibachi")


def _callee(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def inline_codes(source: str) -> list[tuple[int, str, str]]:
    """(line, callee, code) of each string literal given as the code of an *Error or error_response."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = _callee(node)
        literal = None
        if name.endswith("Error"):
            literal = next((kw.value for kw in node.keywords if kw.arg == "code"), None)
        elif name == "error_response" and node.args:
            literal = node.args[0]
        if isinstance(literal, ast.Constant) and isinstance(literal.value, str):
            found.append((node.lineno, name, literal.value))
    return found


def test_no_error_code_is_written_inline_in_a_raise_or_an_error_response():
    sources = [path for app in APPS for path in (ROOT / app).rglob("*.py") if "migrations" not in path.parts]

    inline = [
        f"{path.relative_to(ROOT)}:{line} {name}(code={code!r})"
        for path in sources
        for line, name, code in inline_codes(path.read_text())
    ]

    assert len(sources) > 100
    assert inline == []


def test_the_scan_finds_a_code_written_inline():
    source = (
        'raise ConflictError("No.", code="made_up")\n'
        'error_response("other", "No.", status_code=409)\n'
        'raise ConflictError("No.", code=BookingErrors.SLOT_UNAVAILABLE)\n'
    )

    assert inline_codes(source) == [(1, "ConflictError", "made_up"), (2, "error_response", "other")]


def test_the_codes_of_each_domain_are_distinct_strings():
    domains = [value for value in vars(error_codes).values() if isinstance(value, type)]
    assert len(domains) >= 8
    for domain in domains:
        codes = [value for name, value in vars(domain).items() if name.isupper()]
        assert len(codes) == len(set(codes)), domain.__name__
