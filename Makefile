# fuzzyduck: `make demo` runs the main job on the built-in example;
# `make test` installs what the tests need and runs all of them.
GO ?= go
# A count, not a duration: Go 1.26's fuzz coordinator can report a
# spurious "context deadline exceeded" failure when a duration-bound run
# ends while a worker is mid-input on a loaded machine (go.dev/issue/75804,
# fixed in Go 1.27); an execution count has no deadline to race. 3000
# runs take 1-25 s per target here; by hand: make fuzz FUZZTIME=5m.
FUZZTIME ?= 3000x
# Go minimizes each new input for up to 60 s by default: a 10 s run spent
# all of it minimizing one multi-KB dump (20 execs counted).
FUZZMINTIME ?= 2s

.PHONY: all build demo test deps vet race fuzz bench clean

all: build

build:
	$(GO) build -o bin/ ./cmd/... ./bench/gendump ./bench/passthrough ./examples/nova/novagen

deps:
	./scripts/install-deps.sh

demo: deps build
	./scripts/demo.sh

vet:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

# All tests, integration tests included: they start private MariaDB servers
# and fail (never skip) when that is impossible. Then a short fuzz run.
test: deps vet
	$(GO) test -count=1 -timeout 40m ./...
	$(MAKE) race
	$(MAKE) fuzz

# The packages that run work in parallel, again under the race detector.
# RACESKIP: scrub's corpus tests judge a large log on one goroutine (the
# attacker's views), and scale's row-count attacker scales a dump dozens
# of times to measure what sizes give away; under -race they cost ten
# minutes and more and test no concurrency the rest does not: the step
# above runs them.
RACESKIP ?= ^(TestAttackCorpus|TestMarkerTagsPerValue|TestRealToolDumps|TestPythonCodecs|TestLookalikeForms|TestTableCells|TestAttackerCannotCountRows)$$
race:
	$(GO) test -race -count=1 -timeout 45m -skip '$(RACESKIP)' ./sqldump/ ./anonymize/ ./scale/ ./scrub/

fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzReader$$' -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINTIME) ./sqldump/
	$(GO) test -run '^$$' -fuzz '^FuzzRewrite$$' -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINTIME) ./sqldump/
	$(GO) test -run '^$$' -fuzz '^FuzzParseCreateTable$$' -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINTIME) ./sqldump/
	$(GO) test -run '^$$' -fuzz '^FuzzLex$$' -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINTIME) ./sqldump/
	$(GO) test -run '^$$' -fuzz '^FuzzAround$$' -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINTIME) ./anonymize/
	$(GO) test -run '^$$' -fuzz '^FuzzURL$$' -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINTIME) ./anonymize/
	$(GO) test -run '^$$' -fuzz '^FuzzJSON$$' -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINTIME) ./anonymize/
	$(GO) test -run '^$$' -fuzz '^FuzzErrorsShowNoData$$' -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINTIME) ./sqldump/
	$(GO) test -run '^$$' -fuzz '^FuzzParsePhase$$' -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINTIME) ./gate/
	$(GO) test -run '^$$' -fuzz '^FuzzNamedPaths$$' -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINTIME) ./gate/
	$(GO) test -run '^$$' -fuzz '^FuzzReduceGitConfig$$' -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINTIME) ./gate/
	$(GO) test -run '^$$' -fuzz '^FuzzParseModels$$' -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINTIME) ./modelmarkup/
	$(GO) test -run '^$$' -fuzz '^FuzzParseRules$$' -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINTIME) ./rules/
	$(GO) test -run '^$$' -fuzz '^FuzzFresh$$' -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINTIME) ./scale/
	$(GO) test -run '^$$' -fuzz '^FuzzRenumber$$' -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINTIME) ./scale/
	$(GO) test -run '^$$' -fuzz '^FuzzDecoders$$' -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINTIME) ./scrub/
	$(GO) test -run '^$$' -fuzz '^FuzzScrubPlanted$$' -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINTIME) ./scrub/
	$(GO) test -run '^$$' -fuzz '^FuzzDigestRuns$$' -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINTIME) ./scrub/
	$(GO) test -run '^$$' -fuzz '^FuzzFixedBreaks$$' -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINTIME) ./scrub/
	$(GO) test -run '^$$' -fuzz '^FuzzParseConfig$$' -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINTIME) ./scrub/
	$(GO) test -run '^$$' -fuzz '^FuzzDSN$$' -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINTIME) ./scrub/
	$(GO) test -run '^$$' -fuzz '^FuzzValuesFile$$' -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINTIME) ./scrub/
	$(GO) test -run '^$$' -fuzz '^FuzzInput$$' -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINTIME) ./scrub/
	$(GO) test -run '^$$' -fuzz '^FuzzPersonalKinds$$' -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINTIME) ./anonymize/

bench:
	./bench/run.sh

clean:
	rm -rf bin bench/out demo-out
