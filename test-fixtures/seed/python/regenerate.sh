#!/usr/bin/env bash
# Rebuilds expected/*.txt by running the SQLAlchemy originals (optional: CI compares against the
# committed files and needs no Python). Needs Debian's python3-sqlalchemy (SQLAlchemy 1.4).
set -euo pipefail
cd "$(dirname "$0")"
for f in [0-9][0-9]_*.py; do
  /usr/bin/python3 "$f" > "../expected/${f%.py}.txt"
done
echo "regenerated $(ls ../expected | wc -l) expected outputs"
