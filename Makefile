# maskview: PGXS build.
#
#   make            build the extension (needs postgresql-server-dev-15, libicu-dev, clang)
#   make install    install it into the server found by pg_config
#   make test       install missing packages, build, and run every test (see test/run_tests.sh)
#   make demo       the arrears-notice scenario on a throw-away cluster
#   make bench      the benchmarks on a throw-away cluster (results: bench/RESULTS.md)

# PGXS's `all` stays the default goal although our targets come first.
.DEFAULT_GOAL := all

# The version lives in the control file only.
EXTVERSION := $(shell sed -n "s/^default_version *= *'\(.*\)'/\1/p" extension/maskview.control)

MODULE_big = maskview
OBJS = $(patsubst %.c,%.o,$(sort $(wildcard src/*.c src/core/*.c)))

# The control file lives in extension/, so EXTENSION stays unset.
MODULEDIR = extension
DATA = extension/maskview.control $(wildcard sql/maskview--*--*.sql)
DATA_built = sql/maskview--$(EXTVERSION).sql

REGRESS = $(basename $(notdir $(sort $(wildcard test/sql/*.sql))))
REGRESS_OPTS = --inputdir=test

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs 2>/dev/null)

PG_CPPFLAGS = -I$(srcdir)/src/core
SHLIB_LINK += $(ICU_LIBS)

# The install script is assembled from ordered pieces, one object kind each.
SQL_PARTS = $(sort $(wildcard sql/parts/*.sql))

.PHONY: test demo bench deps unit fuzz

test:
	test/run_tests.sh

demo:
	demo/run_demo.sh

bench:
	bench/run_bench.sh

deps:
	test/install_deps.sh

unit:
	$(MAKE) -C test/unit run

fuzz:
	$(MAKE) -C test/fuzz run

ifneq ($(wildcard $(PGXS)),)
include $(PGXS)
override CPPFLAGS := $(ICU_CFLAGS) $(CPPFLAGS)
else
all install installcheck:
	@echo "PostgreSQL's PGXS was not found: run 'make deps' (make test does it for you)" >&2
	@exit 1
endif

sql/maskview--$(EXTVERSION).sql: $(SQL_PARTS) extension/maskview.control
	@( echo "-- maskview $(EXTVERSION): generated from sql/parts/*.sql by make; edit the parts."; \
	   printf '%s\n' '\echo Use "CREATE EXTENSION maskview" to load this file. \quit'; \
	   for f in $(SQL_PARTS); do echo; echo "-- ---- $$f"; cat $$f; done ) > $@
