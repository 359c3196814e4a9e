# snapd-shm: every target is phony; `make help` lists them.
.PHONY: help run test check fuzz snapd-check

STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
FUZZTIME ?= 10m

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

test: ## run every test; needs apparmor_parser, and root for the mount namespace tests
	go test -count=1 ./...

check: ## gofmt, go vet and staticcheck
	@unformatted=$$(gofmt -l .); if [ -n "$$unformatted" ]; then echo "not gofmt'ed: $$unformatted"; exit 1; fi
	go vet ./...
	go run $(STATICCHECK) ./...

fuzz: ## fuzz shared-memory name validation against apparmor_parser for FUZZTIME (default 10m)
	go test -run '^$$' -fuzz '^FuzzSharedMemoryName$$' -fuzztime $(FUZZTIME) ./interfaces/builtin/

snapd-check: ## build and test our shared_memory.go and its test inside snapd's own tree
	scripts/snapd-check
