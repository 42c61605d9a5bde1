"""The README's two commands are the ones the Makefile and CI actually run."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO = "python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/python manage.py demo"
TEST = "python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && .venv/bin/pytest"


def test_readme_gives_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    assert DEMO in readme
    assert TEST in readme


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    assert TEST.replace("pip install -e", "pip install -q -e") in ci


def test_readme_lists_every_demo_login():
    readme = (ROOT / "README.md").read_text()
    for role in ("admin", "advisor", "student", "guardian", "mentor"):
        assert f"`{role}@demo.bigpicture.school`" in readme
