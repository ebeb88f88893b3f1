#!/usr/bin/env bash
# Renders the application icon's PNG sizes from meshdeck.svg (rsvg-convert, Debian's librsvg2-bin).
# The PNGs are committed; run this after changing the SVG.
set -euo pipefail
cd "$(dirname "$0")"
for size in 16 22 24 32 48 64 128 256; do
  mkdir -p "hicolor/${size}x${size}"
  rsvg-convert --width "$size" --height "$size" meshdeck.svg -o "hicolor/${size}x${size}/meshdeck.png"
done
