#!/usr/bin/env bash
# Draws media/icon.png (128×128): a 4×4 feature map, a 2×2 kernel window, and a lens over it.
# Needs ImageMagick (`convert`). Run from the repo root: bash scripts/make-icon.sh
set -euo pipefail
out=${1:-media/icon.png}
grid=()
for r in 0 1 2 3; do
  for c in 0 1 2 3; do
    x=$((22 + c * 18)); y=$((22 + r * 18))
    grid+=(-draw "roundrectangle $x,$y $((x + 15)),$((y + 15)) 2,2")
  done
done
convert -size 128x128 xc:none \
  -fill '#1e3a5f' -draw 'roundrectangle 0,0 127,127 22,22' \
  -fill '#3d6a99' "${grid[@]}" \
  -fill '#f2b134' -draw 'roundrectangle 40,40 73,73 3,3' \
  -fill none -stroke '#ffffff' -strokewidth 7 -draw 'circle 57,57 57,26' \
  -stroke '#ffffff' -strokewidth 11 -draw 'line 81,81 108,108' \
  -depth 8 -define png:exclude-chunks=date,time -strip "$out"
echo "wrote $out"
