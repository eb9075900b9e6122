# SLA Portal — the two commands of the quick start are `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install lint bench bench-scale clean-var

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

## run: install, migrate, set up the beat schedules, load demo data, then serve the
## web site, a Celery worker and beat together until Ctrl-C.
run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py setup_periodic_tasks
	$(BIN)/python manage.py seed_demo
	HOST=$(HOST) PORT=$(PORT) scripts/run-procfile.sh $(BIN)/honcho start -f Procfile

## test: the whole suite (SQLite unless DATABASE_URL is set), spread over the cores by
## pytest-xdist; each worker gets a test database of its own. PYTEST_WORKERS=0 runs serially.
PYTEST_WORKERS ?= auto
test: $(STAMP)
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run

bench: $(STAMP)
	$(BIN)/python benchmarks/calendar_bench.py

## bench-scale: seed PostgreSQL at production size (and at 1%), measure the admin,
## customer pages, beat jobs, a CAL-8 recompute and HTTP under gunicorn, and write the
## table to docs/performance.md. Not part of the tests; needs PostgreSQL (PGURL).
PGURL ?= postgres://postgres@127.0.0.1:5432
BENCH_SCALE ?= 1
bench-scale: $(STAMP)
	DATABASE_URL=$(PGURL)/slaportal_bench_small $(BIN)/python benchmarks/scale_seed.py --recreate --scale 0.01
	DATABASE_URL=$(PGURL)/slaportal_bench_small $(BIN)/python benchmarks/scale_bench.py --label small
	DATABASE_URL=$(PGURL)/slaportal_bench $(BIN)/python benchmarks/scale_seed.py --recreate --scale $(BENCH_SCALE)
	DATABASE_URL=$(PGURL)/slaportal_bench $(BIN)/python benchmarks/scale_bench.py --label large --write
	DATABASE_URL=$(PGURL)/slaportal_bench $(BIN)/python benchmarks/http_bench.py
