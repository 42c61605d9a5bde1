"""Dependencies flow one way: the import-linter contracts in pyproject.toml hold, every module
of the core is under the core's contract (or named as wiring), and imports sit at the top of
modules rather than hiding cycles inside functions."""

import ast
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APPS = ("bigpicture", "advisories", "students", "internships", "expectations")

# Modules of bigpicture outside the core's contract: the pages that gather every app, and the
# wiring that may import any app (URLs, settings, the Celery app, the demo and its commands).
WIRING = {
    "bigpicture",  # the package itself: loads the Celery app
    "bigpicture.asgi",
    "bigpicture.celery",
    "bigpicture.core_urls",
    "bigpicture.demo",
    "bigpicture.management",
    "bigpicture.pages",
    "bigpicture.settings",
    "bigpicture.urls",
    "bigpicture.wsgi",
}

# The imports still made inside a function, each with the reason it cannot be at the top.
IN_FUNCTION_IMPORTS = {
    ("bigpicture/access.py", "django.contrib.auth.views"): (
        "the role gate's login redirect: the auth views read the user model when imported, "
        "and the models import access.py while that model is being loaded"
    ),
    ("bigpicture/twofactor/admin_site.py", "bigpicture.auth_urls"): (
        "the back office's site is loaded while the app registry fills, before forms can be"
    ),
    ("bigpicture/apps.py", "bigpicture"): "AppConfig.ready: registers reminder rules and tasks",
    ("bigpicture/apps.py", "bigpicture.twofactor"): "AppConfig.ready: connects the signals",
    ("advisories/apps.py", "advisories"): "AppConfig.ready: registers reminder rules",
    ("students/apps.py", "students"): "AppConfig.ready: registers reminder rules",
    ("internships/apps.py", "internships"): "AppConfig.ready: registers reminder rules",
    ("expectations/apps.py", "expectations"): "AppConfig.ready: registers reminder rules",
}
MAX_IN_FUNCTION_IMPORTS = 8


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _contract(contract_id: str) -> dict:
    contracts = _pyproject()["tool"]["importlinter"]["contracts"]
    return next(contract for contract in contracts if contract.get("id") == contract_id)


def _lint_imports() -> str:
    candidate = Path(sys.executable).with_name("lint-imports")
    found = str(candidate) if candidate.exists() else shutil.which("lint-imports")
    if found is None:
        pytest.fail(
            "import-linter is not installed: install the test extras (pip install -e '.[test]')"
        )
    return found


def test_the_import_contracts_hold():
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [_lint_imports(), "--no-cache", "--no-logo"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _modules_of_bigpicture() -> set[str]:
    """The package and its direct modules and subpackages (subpackages count whole)."""
    package = ROOT / "bigpicture"
    modules = {"bigpicture"}
    for path in package.iterdir():
        if path.suffix == ".py" and path.name != "__init__.py":
            modules.add(f"bigpicture.{path.stem}")
        elif path.is_dir() and (path / "__init__.py").exists():
            modules.add(f"bigpicture.{path.name}")
    return modules


def test_every_module_of_the_core_is_under_its_contract_or_named_as_wiring():
    core = set(_contract("core")["source_modules"])
    modules = _modules_of_bigpicture()
    unplaced = modules - core - WIRING
    assert not unplaced, (
        f"Add {sorted(unplaced)} to the core's source_modules in pyproject.toml (it may import "
        "no app) or, if it is wiring or a page that gathers apps, to WIRING here."
    )
    assert not core & WIRING, f"{sorted(core & WIRING)} is both core and wiring"
    gone = (core | WIRING) - modules
    assert not gone, f"{sorted(gone)} no longer exists: take it out of the lists"


class _InFunctionImports(ast.NodeVisitor):
    def __init__(self):
        self.depth, self.found = 0, []

    def visit_FunctionDef(self, node):
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Import(self, node):
        if self.depth:
            self.found.extend(alias.name for alias in node.names)

    def visit_ImportFrom(self, node):
        if self.depth:
            self.found.append("." * node.level + (node.module or ""))


def _in_function_imports() -> list[tuple[str, str]]:
    found = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            visitor = _InFunctionImports()
            visitor.visit(ast.parse(path.read_text(), filename=str(path)))
            relative = path.relative_to(ROOT).as_posix()
            found.extend((relative, module) for module in visitor.found)
    return found


def test_imports_sit_at_the_top_of_modules():
    found = _in_function_imports()
    unexplained = sorted(set(found) - IN_FUNCTION_IMPORTS.keys())
    assert not unexplained, (
        f"Imports inside functions: {unexplained}. Import at the top of the module; if that "
        "makes a cycle, the code is in the wrong layer (see [tool.importlinter])."
    )
    assert len(found) <= MAX_IN_FUNCTION_IMPORTS, found
