#!/usr/bin/env bash
# npm test's setup (the pretest script runs it): the system tools some tests drive —
# ngtcp2's gtlsclient/gtlsserver (interop), chromium (the browser harness, through
# playwright-core) and openssl (the RSA interop certificate). When all are there this
# costs a few `command -v` calls. When some are missing it installs them with apt-get
# if it runs as root where apt-get exists; otherwise it stops at once with one line
# saying what is missing and how to get it.
# QUICWASM_TEST_SETUP=skip skips the check (for running tests that need none of them).
set -euo pipefail
[ "${QUICWASM_TEST_SETUP:-}" = skip ] && exit 0

have() { # any of the given commands or absolute paths exists
  local c
  for c in "$@"; do
    if [ "${c#/}" != "$c" ]; then [ -x "$c" ] && return 0; else command -v "$c" >/dev/null 2>&1 && return 0; fi
  done
  return 1
}

missing() { # prints the Debian packages whose tools are absent
  local need=()
  have gtlsclient /usr/bin/gtlsclient /usr/sbin/gtlsclient || need+=(ngtcp2-client)
  have gtlsserver /usr/sbin/gtlsserver /usr/bin/gtlsserver || need+=(ngtcp2-server)
  have chromium chromium-browser || need+=(chromium)
  have openssl || need+=(openssl)
  echo "${need[*]:-}"
}

if [ ! -d node_modules ] || [ ! -e node_modules/.bin/jest ]; then
  echo "npm test: node_modules is missing; run 'npm ci' first" >&2
  exit 1
fi

need=$(missing)
[ -z "$need" ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "npm test: installing $need (apt-get)" >&2
  if (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need) >/dev/null 2>&1; then
    need=$(missing)
    [ -z "$need" ] && exit 0
  fi
fi

hint="sudo apt-get install $need"
command -v apt-get >/dev/null 2>&1 || hint="install $need with your package manager (Debian/Ubuntu package names)"
echo "npm test needs $need, which is not installed: $hint (or QUICWASM_TEST_SETUP=skip npm test to run without the tests that use them)" >&2
exit 1
