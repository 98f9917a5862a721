#!/usr/bin/env bash
# Runs the whole test suite: first makes sure PostgreSQL and Redis answer (scripts/services.sh), then
# `mvn -B verify` from the repository root. Arguments go to Maven: scripts/test.sh -Dtest='caravan.store.*Test'
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/services.sh
exec mvn -B verify "$@"
