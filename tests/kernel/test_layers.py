"""The layers of docs/architecture.md hold: the same contracts `make lint` and CI check."""

from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[2]


def test_no_package_imports_a_layer_above_it_nor_closes_a_circle(monkeypatch):
    monkeypatch.chdir(ROOT)

    exit_code = lint_imports(config_filename=str(ROOT / ".importlinter"), no_cache=True, no_logo=True)

    assert exit_code == 0, "run .venv/bin/lint-imports to see the import that breaks a contract"
