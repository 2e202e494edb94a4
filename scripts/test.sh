#!/usr/bin/env bash
# test.sh runs jiceng's whole test suite, including the storage tests against
# a real PostgreSQL: scripts/with-pg.sh starts a throw-away server (installing
# Debian's postgresql package first if the server binaries are missing),
# points JICENG_TEST_PG at it, and removes it after go test. The browser tests
# need Debian's chromium and a CJK font, which are installed too when missing.
#
# Usage: scripts/test.sh [go test flags] [packages]   (packages default to ./...)
#   e.g. scripts/test.sh -run TestStore ./internal/postgres
set -euo pipefail

cd "$(dirname "$0")/.."

# The browser tests (internal/web, cmd/jiceng) drive Debian's chromium,
# headless; without a CJK font their screenshots show boxes for Chinese, so
# a small one (fonts-wqy-microhei, 1.6 MB) is installed with it.
need=()
if [ -z "${JICENG_CHROMIUM:-}" ] && [ ! -x /usr/bin/chromium ]; then
	need+=(chromium)
fi
if ! fc-list :lang=zh family 2>/dev/null | grep -q .; then
	need+=(fonts-wqy-microhei)
fi
if [ ${#need[@]} -gt 0 ]; then
	echo "test.sh: installing Debian's ${need[*]} for the browser tests" >&2
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	$sudo apt-get update
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y "${need[@]}"
fi

# Packages default to ./... unless the arguments name some.
args=("$@")
have_pkgs=false
for a in "$@"; do
	case "$a" in
	./* | jiceng*) have_pkgs=true ;;
	esac
done
if ! $have_pkgs; then
	args+=(./...)
fi

exec scripts/with-pg.sh go test -count=1 "${args[@]}"
