#!/usr/bin/env bash
# Ruby on Rails (Debian 12: 6.1) with rack-cors and puma, for the rails adapter.
apt_install ruby-rails ruby-rack-cors puma
