#!/usr/bin/env bash
# Builds the web UI (web/) into web/dist, which `fupin serve --static web/dist`
# serves. Needs the npm packages of web/package-lock.json (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/../web"
if [ ! -d node_modules ]; then
  echo "build-web: web/node_modules is missing; run scripts/setup.sh first" >&2
  exit 1
fi
npm run build --silent
