# Sidecart: the two commands that matter are `make run` and `make test` (see README.md).
DOTNET ?= dotnet
PYTHON ?= python3
CONFIGURATION ?= Debug
# The component profile `make run` uses: components/$(PROFILE) (local: SQLite + in-memory pub/sub; redis: a Redis server).
PROFILE ?= local
export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_NOLOGO := 1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE := 1

.PHONY: build test run check-profile bench clean openapi images

build:
	$(DOTNET) build Dapr.sln -c $(CONFIGURATION) -nologo -clp:ErrorsOnly

test: build
	$(DOTNET) test Dapr.sln -c $(CONFIGURATION) --no-build -nologo
	CONFIGURATION=$(CONFIGURATION) $(PYTHON) -m unittest discover -s apps/shipping/tests -t apps/shipping

# The whole system: every app of dapr.yaml with a local sidecar, on components/$(PROFILE) (`make run PROFILE=redis`).
# Builds only what it runs (run.slnf: the sidecar and the apps, no test project), then starts the runner's own
# executable, so that no process sits between make and the runner.
run: check-profile
	$(DOTNET) build run.slnf -c $(CONFIGURATION) -nologo -clp:ErrorsOnly
	SIDECART_BUILT=1 CONFIGURATION=$(CONFIGURATION) exec sidecar/LocalSidecar/bin/$(CONFIGURATION)/net10.0/LocalSidecar run -f dapr.yaml --resources-path components/$(PROFILE)

check-profile:
	@test -d components/$(PROFILE) || { echo "no profile components/$(PROFILE); the profiles are: $$(ls components | tr '\n' ' ')"; exit 2; }

# The bench project references the apps, so `dotnet run -c Release` also builds them for its end-to-end orders section.
bench:
	$(DOTNET) build sidecar/LocalSidecar -c Release -nologo -clp:ErrorsOnly
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

# What tracing everything costs (issue 16): invoke p50/p99 and throughput at samplingRate "1" to an OTLP receiver
# beside samplingRate "0", in the same run; printed, not written to bench/results.
.PHONY: bench-tracing
bench-tracing:
	$(DOTNET) run -c Release --project bench/Sidecar.Bench -- --tracing
