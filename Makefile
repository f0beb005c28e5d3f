# Sidecart: the two commands that matter are `make run` and `make test` (see README.md).
DOTNET ?= dotnet
PYTHON ?= python3
CONFIGURATION ?= Debug
# The component profile `make run` uses: components/$(PROFILE) (local: SQLite + in-memory pub/sub; redis: a Redis server).
PROFILE ?= local
# `make run` starts the Aspire dashboard beside the apps (UI on localhost:18888, OTLP on 4317/4318); DASHBOARD=0 leaves it out.
DASHBOARD ?= 1
export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_NOLOGO := 1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE := 1

.PHONY: build test run check-profile sidecar-native bench clean openapi images chaos

build:
	$(DOTNET) build Dapr.sln -c $(CONFIGURATION) -nologo -clp:ErrorsOnly

# The chaos suite runs after the rest, on its own: it kills and restarts a dozen processes and needs the machine's
# cores more than any other test. It runs as the program it is (xunit's own runner), which prints where it is while
# it runs and, should its process die, how.
CHAOS_SUITE = $(DOTNET) tests/Chaos/bin/$(CONFIGURATION)/net10.0/Chaos.dll -noColor
test: build
	$(DOTNET) test Dapr.sln -c $(CONFIGURATION) --no-build -nologo --filter "FullyQualifiedName!~Chaos."
	$(CHAOS_SUITE)
	CONFIGURATION=$(CONFIGURATION) $(PYTHON) -m unittest discover -s apps/shipping/tests -t apps/shipping

# The whole system: every app of dapr.yaml with a local sidecar, on components/$(PROFILE) (`make run PROFILE=redis`).
# Builds only what it runs (run.slnf: the sidecar and the apps, no test project), then starts the runner's own
# executable, so that no process sits between make and the runner.
# Every app and its sidecar get a random DAPR_API_TOKEN / APP_API_TOKEN of their own for the run (never printed).
# `make run NATIVE=1` runs the runner and its sidecars compiled ahead of time (make sidecar-native): half the memory.
NATIVE ?= 0
NATIVE_SIDECAR := .build/sidecar-native/LocalSidecar
RUNNER := $(if $(filter 1,$(NATIVE)),$(NATIVE_SIDECAR),sidecar/LocalSidecar/bin/$(CONFIGURATION)/net10.0/LocalSidecar)
# Built again only when something it is built from changed since the last `make run` (even a build with nothing to do
# takes seconds): any file or folder of the projects in run.slnf (a folder's time changes when a file is added or
# removed), the OpenAPI contract ordering's client is generated from, and the build settings at the root.
RUN_BUILT := .build/run-$(CONFIGURATION).built
RUN_SOURCES := $(shell find apps libs sidecar docs/openapi \( -name bin -o -name obj -o -path apps/shipping \) -prune -o -print) \
	Directory.Build.props Directory.Packages.props global.json run.slnf
# Without the code analyzers (source generators still run, and the assemblies come out the same): they took 40% of
# a fresh clone's build, and `make test` and CI build with them.
$(RUN_BUILT): $(RUN_SOURCES)
	$(DOTNET) build run.slnf -c $(CONFIGURATION) -nologo -clp:ErrorsOnly -p:RunAnalyzers=false
	@mkdir -p $(@D) && touch $@

# The runner and the apps it starts run without the runtime's W^X (code pages never writable and executable at once,
# which costs every method it compiles a remapping): 7% less CPU to start the system on 2 cores, for a local run.
run: check-profile $(RUN_BUILT) $(if $(filter 1,$(NATIVE)),sidecar-native)
	SIDECART_BUILT=1 CONFIGURATION=$(CONFIGURATION) DOTNET_EnableWriteXorExecute=0 exec $(RUNNER) run -f dapr.yaml --resources-path components/$(PROFILE) --generate-api-tokens $(if $(filter 0,$(DASHBOARD)),,--dashboard)

# The local sidecar as one native executable (Native AOT): needs clang and zlib1g-dev (apt-get install clang zlib1g-dev).
# Native AOT finds clang as `clang` or a versioned `clang-NN` (Debian's clang-14).
HAS_CLANG := { command -v clang || ls /usr/bin/clang-[0-9]*; } >/dev/null 2>&1
# Compiled again only when a source of the sidecar changed (a native link takes a minute or two).
sidecar-native: $(NATIVE_SIDECAR)
$(NATIVE_SIDECAR): $(shell find sidecar Directory.Build.props Directory.Packages.props -name '*.cs' -o -name '*.csproj' -o -name '*.props' -o -name '*.proto' | grep -v -e /bin/ -e /obj/)
	@$(HAS_CLANG) || { echo "a native sidecar needs clang and zlib1g-dev: sudo apt-get install clang zlib1g-dev"; exit 2; }
	$(DOTNET) publish sidecar/LocalSidecar -c Release -r linux-x64 -p:PublishAot=true -o .build/sidecar-native -nologo -clp:ErrorsOnly
	touch $@

check-profile:
	@test -d components/$(PROFILE) || { echo "no profile components/$(PROFILE); the profiles are: $$(ls components | tr '\n' ' ')"; exit 2; }

# The bench project references the apps, so `dotnet run -c Release` also builds them for its end-to-end orders section.
bench:
	$(DOTNET) build sidecar/LocalSidecar -c Release -nologo -clp:ErrorsOnly
	if $(HAS_CLANG); then $(MAKE) sidecar-native; else echo "no clang: the native sidecar is not measured"; fi
	$(DOTNET) run -c Release --project bench/Sidecar.Bench -- bench/results

# Rewrites docs/openapi/catalog.json, the contract ordering's catalog client is generated from, from what catalog
# serves at /openapi/v1.json: the drift test (tests/Catalog.Tests, OpenApiDocumentTests) in its update mode.
openapi:
	$(DOTNET) build tests/Catalog.Tests -c $(CONFIGURATION) -nologo -clp:ErrorsOnly
	SIDECART_UPDATE_OPENAPI=1 $(DOTNET) test tests/Catalog.Tests -c $(CONFIGURATION) --no-build -nologo --filter "FullyQualifiedName~OpenApiDocumentTests.Catalog_serves_the_committed_document"

# Container images, one per app (apps/<app>/Dockerfile, built from the repository root), as deploy/kubernetes names
# them: $(REGISTRY)sidecart/<app>:$(TAG). Needs Docker (not on every machine: the tests read the Dockerfiles instead).
IMAGES := catalog ordering inventory payments shipping payment-provider
REGISTRY ?=
TAG ?= dev
images:
	for app in $(IMAGES); do docker build -f apps/$$app/Dockerfile -t $(REGISTRY)sidecart/$$app:$(TAG) . || exit 1; done

clean:
	$(DOTNET) clean Dapr.sln -nologo -v q
	find . -type d \( -name bin -o -name obj \) -prune -exec rm -rf {} +
	rm -f .build/run-*.built

# The chaos suite alone (it is also part of `make test`), printing its figures: kills, duplicates, failed writes, and
# the books that must balance (README, "Chaos suite").
chaos:
	$(DOTNET) build run.slnf -c $(CONFIGURATION) -nologo -clp:ErrorsOnly
	$(DOTNET) build tests/Chaos -c $(CONFIGURATION) -nologo -clp:ErrorsOnly
	$(CHAOS_SUITE)
# What tracing everything costs (issue 16): invoke p50/p99 and throughput at samplingRate "1" to an OTLP receiver
# and orders/s with every app and sidecar exporting to a running Aspire dashboard, beside samplingRate "0"; printed
# (`make bench` writes the same to bench/results).
.PHONY: bench-tracing
bench-tracing:
	$(DOTNET) run -c Release --project bench/Sidecar.Bench -- --tracing
