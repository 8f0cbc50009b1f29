# Loom: the two commands that matter are `make demo` and `make test` (see README.md).
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
LOOM := node bin/loom.mjs

.PHONY: test demo deps npm control-plane redis chromium lint typecheck unit integration crds clean-cache

## test: install what is missing, then lint + typecheck + unit + integration (real apiserver, kwok, Redis)
test: deps lint typecheck unit integration

## demo: the local cluster end to end (grows with each component)
demo: deps
	bash hack/demo.sh

deps: npm control-plane redis chromium

npm: node_modules/.package-lock.json
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

## control-plane: build etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubectl, kwok (cached)
control-plane:
	bash hack/build-control-plane.sh

redis:
	bash hack/ensure-redis.sh

## chromium: Debian's chromium, which the web UI's browser test drives (test/browser/)
chromium:
	bash hack/ensure-chromium.sh

lint: npm
	npx eslint .
	npx prettier --check .

typecheck: npm
	npx tsc --noEmit

unit: npm
	npm run -s test:unit

## integration: one local cluster + Redis for the whole run, always torn down
integration: deps
	bash hack/with-test-cluster.sh npm run -s test:integration

crds: npm
	npm run -s gen:crds
