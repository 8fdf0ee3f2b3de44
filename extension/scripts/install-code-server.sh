#!/usr/bin/env bash
# Installs a real VS Code for the end-to-end tests and `npm start`: code-server 4.100.3 (VS Code 1.100.3,
# the newest that runs on Node 20) from npm into .cache/code-server, and Debian's chromium.
# Idempotent. Works offline (only the npm registry and Debian's packages are reached).
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
cache="$repo/.cache"
prefix="$cache/code-server"
version="4.100.3"
bin="$prefix/node_modules/.bin/code-server"

need=()
dpkg -s libkrb5-dev >/dev/null 2>&1 || need+=(libkrb5-dev)
dpkg -s pkg-config >/dev/null 2>&1 || need+=(pkg-config)
command -v rg >/dev/null 2>&1 || need+=(ripgrep)
[ -x /usr/bin/chromium ] || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  echo "== apt-get install ${need[*]}"
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}" >/dev/null
fi

if [ -x "$bin" ] && "$bin" --version 2>/dev/null | grep -q "^$version"; then
  echo "$bin"
  exit 0
fi

echo "== npm install code-server@$version (about 2 minutes)"
tmp="$cache/tmp"
mkdir -p "$tmp" "$prefix"
# @vscode/ripgrep downloads rg from the internet; give it Debian's instead, where it looks first.
rgcache="$tmp/vscode-ripgrep-cache-1.15.11"
mkdir -p "$rgcache"
if [ ! -f "$rgcache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" ]; then
  staging="$(mktemp -d)"
  cp "$(command -v rg)" "$staging/rg"
  tar -czf "$rgcache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$staging" rg
  rm -rf "$staging"
fi
[ -f "$prefix/package.json" ] || echo '{ "name": "code-server-cache", "private": true }' > "$prefix/package.json"
# code-server's install scripts must run: as root (unsafe-perm), with npx allowed (node-pty), and
# permitted by npm 11's script allow-list.
TMPDIR="$tmp" npm_config_unsafe_perm=true npm_config_yes=true npm_config_update_notifier=false \
  npm install --prefix "$prefix" --no-audit --no-fund "code-server@$version" >"$cache/code-server-install.log" 2>&1 || {
    tail -40 "$cache/code-server-install.log" >&2
    echo "code-server install failed; full log: $cache/code-server-install.log" >&2
    exit 1
  }
if ! "$bin" --version 2>/dev/null | grep -q "^$version"; then
  tail -40 "$cache/code-server-install.log" >&2
  echo "code-server installed but does not run; see $cache/code-server-install.log" >&2
  exit 1
fi
echo "$bin"
