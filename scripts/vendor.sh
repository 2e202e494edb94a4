#!/usr/bin/env bash
# vendor.sh installs the front-end libraries pinned in package-lock.json
# (npm ci) and copies the files the binary serves into
# internal/web/static/vendor, where they are committed and embedded: the
# binary never fetches anything at run time, and a fresh clone builds
# without npm. Run it after changing package.json.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund
dst=internal/web/static/vendor
mkdir -p "$dst"
cp node_modules/echarts/dist/echarts.min.js "$dst/echarts.min.js"
cp node_modules/echarts/LICENSE "$dst/echarts.LICENSE"
(cd "$dst" && sha256sum echarts.min.js > SHA256SUMS)
echo "vendored: $(ls "$dst" | tr '\n' ' ')"
