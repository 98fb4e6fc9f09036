#!/usr/bin/env bash
# Installs what Xiuhua needs on a fresh Debian machine: Debian packages only when missing,
# a virtualenv at .venv/ from the requirements file given (default requirements.txt).
set -euo pipefail
cd "$(dirname "$0")/.."
REQUIREMENTS="${1:-requirements.txt}"
PYTHON="${PYTHON:-python3.11}"

# fonts-noto-cjk + libharfbuzz-subset0: Chinese PDFs (without the latter ~50x slower);
# gettext: compiling translations; redis-server and postgresql: the test suite's throwaway
# servers; chromium: the browser tests (Playwright drives Debian's build, never its own).
DEB_PACKAGES=(fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 gettext fontconfig)
if [ "$REQUIREMENTS" = "requirements-dev.txt" ]; then
  DEB_PACKAGES+=(redis-server chromium)
  if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    DEB_PACKAGES+=(postgresql)
  fi
fi
missing=()
for pkg in "${DEB_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "== installing Debian packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  echo "== creating .venv"
  "$PYTHON" -m venv .venv
fi
stamp=".venv/.installed-$(basename "$REQUIREMENTS" .txt)"
want=$(cat requirements*.txt | sha256sum | cut -c1-16)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "== installing Python packages from $REQUIREMENTS"
  .venv/bin/python -m pip install -q --disable-pip-version-check -r "$REQUIREMENTS" 2>&1 | grep -v "^WARNING: Location" || true
  .venv/bin/python -m pip check >/dev/null
  echo "$want" > "$stamp"
fi

scripts/i18n.sh
