# snapd-shm: every target is phony; `make help` lists them.
.PHONY: help apparmor-parser user-mode-linux snapd-packages install run test spread check fuzz upstream-check bench audit-hook-attrs

STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
FUZZTIME ?= 10m

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

# snap-iface as users get it: static, without cgo, so that it runs on any
# Linux and under a memory limit (ulimit -v); with the commit it was built
# from, which snap-iface --version prints.
VERSION := $(shell git describe --always --dirty --abbrev=12 2>/dev/null)
GO := CGO_ENABLED=0 go
BUILDFLAGS := -trimpath -ldflags=-X=main.buildVersion=$(VERSION)

install: ## install snap-iface, static, into GOBIN (default ~/go/bin); needs Go 1.22 or later
	$(GO) install $(BUILDFLAGS) ./cmd/snap-iface

# Each example is the arguments of one "snap-iface connect".
EXAMPLES := \
	"testdata/reference/consumer.yaml testdata/reference/provider.yaml" \
	"testdata/wildcard/consumer.yaml testdata/wildcard/provider.yaml" \
	"testdata/private/consumer.yaml testdata/private/core.yaml" \
	"testdata/ros2/listener testdata/ros2/talker" \
	"--check testdata/electron system" \
	"--plug-publisher acme --slot-publisher acme --slot-granted testdata/brand-store/dashboard.yaml testdata/brand-store/gateway.yaml"

# snap-iface is built once, into a temporary directory, for all examples.
run: apparmor-parser ## preview each example in testdata/: validity, policy, rules and mounts
	@dir=$$(mktemp -d) && trap 'rm -rf "$$dir"' EXIT && \
	$(GO) build $(BUILDFLAGS) -o "$$dir/snap-iface" ./cmd/snap-iface && \
	for ex in $(EXAMPLES); do \
		echo "== snap-iface connect $$ex"; \
		"$$dir/snap-iface" connect $$ex || exit 1; \
	done

apparmor-parser: ## install Debian's apparmor package if apparmor_parser is missing
	@command -v apparmor_parser >/dev/null || [ -x /usr/sbin/apparmor_parser ] || \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq apparmor; }

user-mode-linux: ## install what the kernel tests run if missing: Debian's user-mode-linux (an AppArmor kernel as a process), gcc, python3 and python3-libapparmor
	@command -v linux.uml >/dev/null || \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq user-mode-linux; }
	@command -v gcc >/dev/null || \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc libc6-dev; }
	@[ -x /usr/bin/python3 ] || \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3; }
	@/usr/bin/python3 -c 'import LibAppArmor' 2>/dev/null || \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-libapparmor; }

# What building snapd from the module and booting it need: see
# sandbox/realsnapd.
SNAPD_PACKAGES := $(shell cat sandbox/realsnapd/packages.txt)

snapd-packages: ## install the Debian packages that building snapd and booting it in the kernel need, if missing
	@missing=$$(for p in $(SNAPD_PACKAGES); do dpkg-query -W -f '$${Status}\n' $$p 2>/dev/null | grep -q ' installed$$' || echo $$p; done); \
	[ -z "$$missing" ] || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; }

# The kernel tests boot User-mode Linux several times, snapd in it once:
# on a loaded machine they outlast go test's default 10 minutes.
test: apparmor-parser user-mode-linux snapd-packages ## run every test; the mount namespace and kernel tests need root
	go test -count=1 -timeout 60m ./...

spread: apparmor-parser user-mode-linux snapd-packages ## boot snapd 2.64 in the kernel and run the shared-memory spread tasks, with and without the series
	go test -count=1 -tags spread -timeout 80m -v ./sandbox/spread/ -run 'Tasks'

check: ## gofmt, go vet and staticcheck
	@unformatted=$$(gofmt -l .); if [ -n "$$unformatted" ]; then echo "not gofmt'ed: $$unformatted"; exit 1; fi
	go vet ./...
	go run $(STATICCHECK) ./...

fuzz: apparmor-parser ## fuzz shared-memory names, then whole slots and connections, against apparmor_parser, each for FUZZTIME (default 10m)
	go test -run '^$$' -fuzz '^FuzzSharedMemoryName$$' -fuzztime $(FUZZTIME) ./interfaces/builtin/
	go test -run '^$$' -fuzz '^FuzzSharedMemorySlot$$' -fuzztime $(FUZZTIME) ./interfaces/builtin/

upstream-check: ## apply every piece of upstream/ to snapd master and 2.64 with git am and run snapd's checks; evaluate the spread tasks' profile assertions; cross-test snapd's file and ours; rerun the survey
	scripts/upstream-check

bench: apparmor-parser ## benchmark against snapd 2.64's shared-memory, and the rules' cost to apparmor_parser
	scripts/bench

audit-hook-attrs: apparmor-parser ## audit every interface against attributes set by prepare hooks, on snapd 2.64 and with the fix (SNAPD_TESTS=1: and snapd's tests with it); writes upstream/security/hook-attrs/
	scripts/audit-hook-attrs
