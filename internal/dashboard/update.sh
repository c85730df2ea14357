#!/usr/bin/env bash
# Refreshes the vendored NL Design System CSS from the versions pinned in
# package-lock.json: Rotterdam's design tokens and the community components.
# The Go build and the tests need none of this: the files in assets/vendor
# are committed and embedded. The Rotterdam font is not vendored (its package
# only links to rotterdam.nl); the tokens fall back to Arial.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund
cp node_modules/@nl-design-system-unstable/rotterdam-design-tokens/dist/design-tokens.css assets/vendor/rotterdam-design-tokens.css
cp node_modules/@utrecht/component-library-css/dist/index.css assets/vendor/utrecht-components.css
gzip -9 -n -f assets/vendor/*.css
rm -rf node_modules
echo "assets updated:"; ls -l assets/vendor
