# Shortcuts; the README's two commands work without make.
.PHONY: demo test lint format bench bench-reminders bench-network

demo:
	python3 -m venv .venv && .venv/bin/pip install -q -e . && .venv/bin/python manage.py demo

test:
	python3 -m venv .venv && .venv/bin/pip install -q -e '.[test]' && .venv/bin/pytest

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

format:
	.venv/bin/ruff check --fix . && .venv/bin/ruff format .

# make bench ARGS="--reuse" (or --students 300 --small 100 --seconds 3 for a quick try)
bench:
	.venv/bin/python bench/run.py $(ARGS)

bench-reminders:
	.venv/bin/python bench/reminders.py

# make bench-network ARGS="--reuse" (or --schools 3 --students 100 for a quick try)
bench-network:
	.venv/bin/python bench/network.py $(ARGS)
