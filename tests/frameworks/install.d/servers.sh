#!/usr/bin/env bash
# nginx, apache, caddy, rack, axum, actix: see tests/frameworks/install-servers.sh.
exec bash "$(dirname "${BASH_SOURCE[0]}")/../install-servers.sh"
