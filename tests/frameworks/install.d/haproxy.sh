#!/usr/bin/env bash
# HAProxy (Debian 12: 2.6), run by the matrix as the current user from a config in the cell's workdir.
apt_install haproxy
