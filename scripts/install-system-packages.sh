#!/usr/bin/env bash
# Debian packages the tests and the bureau's batch tools use: LibreOffice headless (an independent
# spreadsheet engine and the PDF exporter), Python UNO, CJK fonts, and poppler for PDF checks.
set -euo pipefail
packages=(libreoffice-calc-nogui python3-uno fonts-noto-cjk poppler-utils)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
