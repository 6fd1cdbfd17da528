# The README's two commands are `make book` and `make test`.
.PHONY: all setup book test check lab-up lab-down lab-status clean

all: book

setup:
	@bash tools/setup.sh

# Build the book: execute every chapter against the lab, write _build/html.
book: setup
	@bash tools/with-lab.sh .venv/bin/python tools/build_book.py

# Run every test: checks, unit and engine tests, chapters under strict nbval.
test: setup
	@bash tools/with-lab.sh bash tools/run-tests.sh

check: setup
	.venv/bin/ruff check
	.venv/bin/ruff format --check
	.venv/bin/mypy

lab-up: setup
	.venv/bin/swarmnotes lab up

lab-down:
	.venv/bin/swarmnotes lab down

lab-status:
	.venv/bin/swarmnotes lab status

clean:
	rm -rf _build

# The chapters in JupyterLab on 127.0.0.1:$${JUPYTER_PORT:-8888}, with the lab up; Ctrl+C stops both.
.PHONY: jupyter container-test
jupyter: setup
	@.venv/bin/python tools/jupyter.py

# Build the Dockerfile on a private engine from a debootstrapped debian:12, run chapters
# and JupyterLab in it, then remove everything it made.
container-test: setup
	@bash tools/container-test.sh
