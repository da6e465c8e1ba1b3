#!/usr/bin/env bash
# Makes `CREATE EXTENSION vector` work on the local PostgreSQL (Debian bookworm, PostgreSQL 15).
# Bookworm ships no pgvector package; trixie's source package builds against bookworm's server headers.
# Idempotent: returns at once when the extension is already installed.
set -euo pipefail

PG_MAJOR=${PG_MAJOR:-$(ls /etc/postgresql 2>/dev/null | sort -n | tail -1)}
PG_MAJOR=${PG_MAJOR:-15}
sharedir=$(/usr/lib/postgresql/"$PG_MAJOR"/bin/pg_config --sharedir 2>/dev/null || echo "/usr/share/postgresql/$PG_MAJOR")

if [ -f "$sharedir/extension/vector.control" ]; then
  echo "pgvector: already installed for PostgreSQL $PG_MAJOR"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "pgvector: installing needs root (apt-get, make install)" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
src=/etc/apt/sources.list.d/trixie-src.list
if [ ! -f "$src" ]; then
  echo "deb-src http://deb.debian.org/debian trixie main" >"$src"
fi
apt-get update -qq
apt-get install -y -qq "postgresql-server-dev-$PG_MAJOR" dpkg-dev make gcc >/dev/null

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
apt-get source -qq pgvector >/dev/null 2>&1 || apt-get source pgvector
cd pgvector-*/
make -s -j"$(nproc)" PG_CONFIG=/usr/lib/postgresql/"$PG_MAJOR"/bin/pg_config >/dev/null
make -s install PG_CONFIG=/usr/lib/postgresql/"$PG_MAJOR"/bin/pg_config >/dev/null
echo "pgvector: installed $(basename "$PWD") for PostgreSQL $PG_MAJOR"
