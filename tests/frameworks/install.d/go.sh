#!/usr/bin/env bash
# Go net/http (standard library only): Debian's Go toolchain.
apt_install golang-go
