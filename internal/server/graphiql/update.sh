#!/usr/bin/env bash
# Refreshes the vendored GraphiQL assets from the versions pinned in
# package-lock.json. The Go build and the tests need none of this: the
# gzipped files in assets/ are committed and embedded.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund
cp node_modules/graphiql/graphiql.min.js node_modules/graphiql/graphiql.min.css \
   node_modules/react/umd/react.production.min.js node_modules/react-dom/umd/react-dom.production.min.js assets/
gzip -9 -n -f assets/*.js assets/*.css
rm -rf node_modules
echo "assets updated:"; ls -l assets
