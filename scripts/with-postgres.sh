#!/usr/bin/env bash
# Runs a command with FUPIN_TEST_PG_URL pointing at a PostgreSQL server.
#
#   scripts/with-postgres.sh ctest --output-on-failure
#
# When FUPIN_TEST_PG_URL is already set, the command runs against that server.
# Otherwise a throwaway cluster is created with Debian's `postgresql` package:
# initdb in a temporary folder (owned by the `postgres` user when we run as
# root, since PostgreSQL refuses to run as root), listening on 127.0.0.1 on a
# free port only, trust authentication for the loopback, and stopped and
# deleted when the command ends (also on failure or Ctrl-C).
# Without PostgreSQL binaries, the command runs without FUPIN_TEST_PG_URL and
# the PostgreSQL tests skip themselves (a warning says so).
set -euo pipefail

if [ -n "${FUPIN_TEST_PG_URL:-}" ]; then
  echo "with-postgres: using the given server ${FUPIN_TEST_PG_URL%%\?*}" >&2
  exec "$@"
fi

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "with-postgres: WARNING: no PostgreSQL server binaries (apt-get install postgresql);" \
       "PostgreSQL tests will be skipped" >&2
  exec "$@"
fi

as_owner=()
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  as_owner=(runuser -u postgres --)
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/fupin-pg-XXXXXX")
chmod 755 "$dir"
[ ${#as_owner[@]} -gt 0 ] && chown postgres "$dir"

stop() {
  "${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT INT TERM

# A free loopback port: the first one nothing answers on.
port=""
for _ in $(seq 1 50); do
  candidate=$((20000 + RANDOM % 20000))
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then port=$candidate; break; fi
done
[ -n "$port" ] || { echo "with-postgres: no free port" >&2; exit 1; }

"${as_owner[@]}" "$bindir/initdb" -D "$dir/data" -U fupin -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
  { cat "$dir/initdb.log" >&2; exit 1; }
"${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null ||
  { cat "$dir/server.log" >&2; exit 1; }
"$bindir/createdb" -h 127.0.0.1 -p "$port" -U fupin fupin

export FUPIN_TEST_PG_URL="postgresql://fupin@127.0.0.1:$port/fupin"
echo "with-postgres: throwaway server at $FUPIN_TEST_PG_URL (PostgreSQL $("$bindir/postgres" -V | awk '{print $3}'))" >&2
set +e
"$@"
status=$?
set -e
exit $status
