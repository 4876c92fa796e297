#!/usr/bin/env bash
# Next.js, Hono, NestJS, Koa and workerd (tests/frameworks/node-stacks/package.json, pinned by its lockfile) into
# the matrix cache, apart from the root packages: Next.js and workerd weigh ~500 MB and only the matrix needs them.
# npm registry only; workerd's binary comes inside its npm package. Idempotent: a hash stamp skips a done install.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="${CORS_LENS_MATRIX_WORK:-$HERE/.work}/node-stacks"
SUM="$(cat "$HERE/node-stacks/package.json" "$HERE/node-stacks/package-lock.json" | sha256sum | cut -d' ' -f1)"
if [ -f "$DEST/.installed.sha256" ] && [ "$(cat "$DEST/.installed.sha256")" = "$SUM" ]; then exit 0; fi
mkdir -p "$DEST"
cp "$HERE/node-stacks/package.json" "$HERE/node-stacks/package-lock.json" "$DEST/"
echo "install.d/node-stacks.sh: npm ci in $DEST"
(cd "$DEST" && npm ci --no-audit --no-fund --loglevel=error)
echo "$SUM" > "$DEST/.installed.sha256"
