#!/usr/bin/env bash
# Installs the Debian packages the real-VS-Code parts need, only when missing:
# libkrb5-dev (code-server's native build), openssl (TLS tests), and with --with-browser what the
# full test run needs besides: chromium (end-to-end tests), squid (the proxy contract tests start
# their own squid on 127.0.0.1; the package's system service is not used) and prometheus (the team
# exporter's tests start it on 127.0.0.1; the package starts no service here).
# Usage: scripts/setup-system.sh [--with-browser]
set -euo pipefail
missing=()
dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
if [ "${1:-}" = "--with-browser" ]; then
  command -v chromium >/dev/null 2>&1 || missing+=(chromium fonts-liberation)
  [ -x /usr/sbin/squid ] || command -v squid >/dev/null 2>&1 || missing+=(squid)
  command -v prometheus >/dev/null 2>&1 || missing+=(prometheus)
fi
[ "${#missing[@]}" -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
