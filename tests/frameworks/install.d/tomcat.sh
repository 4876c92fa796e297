#!/usr/bin/env bash
# Tomcat 10's libraries (run embedded by the tomcat adapter) and a JDK to compile its small application.
apt_install libtomcat10-java default-jdk-headless
