"""`.env.example` lists every environment variable the code reads, and works copied as is
(`cp .env.example .env`): it changes no development default, so nothing breaks and every
encrypted address stays readable.

The variables are found by reading the code, not from a list kept here: a variable another
change adds to the settings must be added to .env.example too, or this fails.
"""

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / ".env.example"
SKIPPED_DIRECTORIES = {".venv", "tests", "migrations", "node_modules", ".devdata", ".git"}
# Where a process finds its services: kept from the environment the tests run in.
CONNECTIONS = {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}
# Not configuration: the settings module Django is pointed at.
NOT_SETTINGS = {"DJANGO_SETTINGS_MODULE"}


def _project_modules():
    for path in ROOT.rglob("*.py"):
        if not SKIPPED_DIRECTORIES & set(path.relative_to(ROOT).parts):
            yield path


def _name_read(call: ast.Call) -> str | None:
    """The variable a call reads: env.str("X"), env("X"), os.environ.get("X"), os.getenv("X")."""
    if not call.args or not isinstance(call.args[0], ast.Constant) or not isinstance(call.args[0].value, str):
        return None
    function = call.func
    if isinstance(function, ast.Name) and function.id == "env":
        return call.args[0].value
    if isinstance(function, ast.Attribute):
        owner = function.value
        if isinstance(owner, ast.Name) and owner.id == "env":
            return call.args[0].value
        if function.attr == "getenv" and isinstance(owner, ast.Name) and owner.id == "os":
            return call.args[0].value
        if function.attr == "get" and isinstance(owner, ast.Attribute) and owner.attr == "environ":
            return call.args[0].value
    return None


def variables_read_by_the_code() -> set[str]:
    names: set[str] = set()
    for path in _project_modules():
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Call) and (name := _name_read(node)):
                names.add(name)
            # The production check reads its required names through a loop: `for name in (...)`.
            if isinstance(node, ast.For) and isinstance(node.iter, ast.Tuple):
                for item in node.iter.elts:
                    if (
                        isinstance(item, ast.Constant)
                        and isinstance(item.value, str)
                        and item.value.isupper()
                    ):
                        names.add(item.value)
    return names - NOT_SETTINGS


def _is_name_constant(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.isupper()


def names_in_the_code() -> set[str]:
    """Every upper-case string constant of the code (a variable read under a computed name,
    like the old key of `rotate_field_encryption_key --old-key-env`, is named somewhere)."""
    names: set[str] = set()
    for path in _project_modules():
        names |= {node.value for node in ast.walk(ast.parse(path.read_text())) if _is_name_constant(node)}
    return names


def variables_listed() -> dict[str, bool]:
    """Each variable of .env.example, and whether it is set (True) or only shown commented out."""
    listed: dict[str, bool] = {}
    for line in EXAMPLE.read_text().splitlines():
        if match := re.match(r"^(#\s*)?([A-Z][A-Z0-9_]*)=", line):
            listed[match.group(2)] = not match.group(1)
    return listed


def test_env_example_lists_every_variable_the_code_reads():
    missing = variables_read_by_the_code() - set(variables_listed())
    assert not missing, f"add to .env.example (and the README's configuration table): {sorted(missing)}"


def test_env_example_lists_nothing_the_code_does_not_read():
    stale = set(variables_listed()) - variables_read_by_the_code() - names_in_the_code()
    assert not stale, f"not read by any code: {sorted(stale)}"


def _settings_of(*, with_example: bool) -> dict[str, str]:
    """The settings a fresh process computes, with .env.example loaded (as `cp` would) or not."""
    environment = {
        key: value for key, value in os.environ.items() if key not in variables_listed() or key in CONNECTIONS
    }
    environment["MYHIBACHI_TESTING"] = "0"
    environment["DJANGO_SETTINGS_MODULE"] = "myhibachi.settings"
    script = (
        "import json, environ\n"
        + (f"environ.Env.read_env({str(EXAMPLE)!r}, overwrite=True)\n" if with_example else "")
        + "from django.conf import settings\n"
        "names = [name for name in dir(settings) if name.isupper()]\n"
        "print(json.dumps({name: repr(getattr(settings, name)) for name in names}))\n"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", script], env=environment, cwd=ROOT, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_env_example_copied_as_is_changes_no_development_default():
    with_example, without = _settings_of(with_example=True), _settings_of(with_example=False)

    differences = {
        name: (without.get(name), with_example.get(name))
        for name in set(with_example) | set(without)
        if with_example.get(name) != without.get(name)
    }
    # In particular SECRET_KEY and FIELD_ENCRYPTION_KEY: addresses encrypted before stay readable.
    assert not differences, differences
    assert with_example["SECRET_KEY"] != "''" and with_example["FIELD_ENCRYPTION_KEY"] != "''"


def test_every_command_works_with_env_example_copied_as_is():
    environment = {
        key: value for key, value in os.environ.items() if key not in variables_listed() or key in CONNECTIONS
    }
    environment["MYHIBACHI_TESTING"] = "0"
    script = (
        f"import environ, sys; environ.Env.read_env({str(EXAMPLE)!r}, overwrite=True); "
        "from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'check'])"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", script],
        env={**environment, "DJANGO_SETTINGS_MODULE": "myhibachi.settings"},
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
