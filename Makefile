# Castboard's two commands: `make run` and `make test` (see README.md).
# Every target installs what it needs first (scripts/tools.sh skips what is there).

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
export PATH := $(HOME)/.cargo/bin:$(PATH)

# Browser tests: the server binary they start and the port it listens on (its media
# server's RTMP on the next one). Below Linux's ephemeral range (32768-60999), so no
# outgoing connection of another test can hold it when the server binds.
E2E_PORT ?= 23117
CASTBOARD_BIN := $(CURDIR)/target/debug/castboard

.PHONY: run test bench bench-media tools tools-rust tools-media tools-player app fmt style clippy unit e2e clean

## run: build everything (release) and serve on http://127.0.0.1:3000 with demo data
run: tools-rust tools-player tools-media app
	cargo build --release -p castboard-server
	./target/release/castboard serve --demo

## test: every check CI runs — fmt, clippy, unit + integration tests, wasm build, browser tests
test: tools fmt style clippy unit app e2e
	@echo "make test: all checks passed (fmt, style tokens, clippy, unit and integration tests, wasm build, browser tests)"

## bench: API latency at 1,000,000 streams through real HTTP on SQLite and PostgreSQL side
## by side, and throughput with concurrent clients (seeds once into target/bench/, copies
## once into a PostgreSQL cluster kept in target/bench/postgres), the dashboard's load
## budget (bytes and first rows painted of a cold visit under network emulation, a warm
## visit, 150-row re-render), then the media figures (live badge, encoder cut,
## glass-to-glass per latency mode, a transcoded group live, CPU per rendition, thumbnail
## freshness, health-event delay). A missed dashboard budget still lets the media figures
## run, and fails the target at the end.
bench: tools app
	scripts/postgres.sh keep target/bench/postgres cargo bench -p castboard-server --bench api
	cargo bench -p castboard-server --bench static_files
	ui=0; scripts/ui-bench.sh || ui=$$?; \
	scripts/media-bench.sh; \
	if [ "$$ui" -ne 0 ]; then echo "make bench: the dashboard's budget was missed (ui-bench above)" >&2; exit "$$ui"; fi

## bench-media: the media figures alone
bench-media: tools
	scripts/media-bench.sh

tools:
	scripts/tools.sh all

tools-rust:
	scripts/tools.sh rust

tools-media:
	scripts/tools.sh media

tools-player:
	scripts/tools.sh player

## app: the dashboard, release wasm build into dist/
app: tools-rust
	trunk build --release

fmt:
	cargo fmt --all -- --check

## style: colours in style/ are tokens (docs/design.md)
style:
	scripts/check-style.sh

clippy: tools-rust
	cargo clippy --all-targets -- -D warnings
	cargo clippy -p castboard-app --target wasm32-unknown-unknown --all-targets -- -D warnings

# The server's API suites that run a second time on PostgreSQL: every integration suite
# but those that start the server or media on a SQLite file of their own, and the schema
# test, which compares the two backends itself.
SQLITE_ONLY_SUITES := serve media postgres_schema
POSTGRES_SUITES := $(filter-out $(SQLITE_ONLY_SUITES),$(basename $(notdir $(wildcard server/tests/*.rs))))

## unit: unit, property, integration (real HTTP) and CLI tests of server and shared, then
## the API suites again on PostgreSQL; both against one throwaway cluster
## (scripts/postgres.sh)
unit:
	scripts/postgres.sh run bash -c 'CASTBOARD_REQUIRE_POSTGRES=1 cargo test && \
	  echo "make unit: the API suites on PostgreSQL" && \
	  CASTBOARD_TEST_BACKEND=postgres cargo test -p castboard-server $(addprefix --test ,$(POSTGRES_SUITES))'
	cargo test -p castboard-app --lib

## e2e: browser tests in Debian's headless Chromium against the real server and dist/
e2e: tools app
	cargo build -p castboard-server
	cd end2end && CASTBOARD_BIN=$(CASTBOARD_BIN) E2E_PORT=$(E2E_PORT) npx playwright test

clean:
	cargo clean
	rm -rf dist end2end/test-results end2end/playwright-report
