#!/usr/bin/env bash
# Installs the Debian packages the real-VS-Code parts need, only when missing:
# libkrb5-dev (code-server's native build), openssl (TLS tests), and on request chromium (end-to-end
# tests) and prometheus (the team exporter's tests start it on 127.0.0.1; the package starts no
# service here).
# Usage: scripts/setup-system.sh [--with-browser] [--with-prometheus]
set -euo pipefail
missing=()
dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
for option in "$@"; do
  case "$option" in
    --with-browser) command -v chromium >/dev/null 2>&1 || missing+=(chromium fonts-liberation) ;;
    --with-prometheus) command -v prometheus >/dev/null 2>&1 || missing+=(prometheus) ;;
    *) echo "unknown option $option (known: --with-browser --with-prometheus)" >&2; exit 2 ;;
  esac
done
[ "${#missing[@]}" -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
