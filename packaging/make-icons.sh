#!/usr/bin/env bash
# Renders the app icon from assets/icons/checkpoint-inspector.svg into the files the installers need:
#   assets/icons/checkpoint-inspector-<size>.png  16…512 px (Linux desktop entry, GUI window icons)
#   packaging/windows/checkpoint-inspector.ico    Windows launcher and .msi (16…256 px in one file)
#   packaging/macos/checkpoint-inspector.icns     macOS .app bundle (PNG-encoded ICNS entries)
# The outputs are committed, so a build never needs ImageMagick; run this again after editing the SVG.
# Needs ImageMagick's convert (or rsvg-convert for a sharper render) and python3 for the .icns container.
set -euo pipefail
cd "$(dirname "$0")/../assets/icons"

svg=checkpoint-inspector.svg
master=$(mktemp --suffix=.png)
trap 'rm -f "$master"' EXIT
# Render once at the largest size; every smaller PNG is a down-scale of it.
if command -v rsvg-convert >/dev/null 2>&1; then
  rsvg-convert -w 512 -h 512 -o "$master" "$svg"
else
  convert -background none -density 96 "$svg" -resize 512x512 "PNG32:$master"
fi

sizes=(16 24 32 48 64 128 256 512)
for s in "${sizes[@]}"; do
  convert "$master" -filter Lanczos -resize "${s}x${s}" -strip "PNG32:checkpoint-inspector-$s.png"
done

convert checkpoint-inspector-{16,24,32,48,64,256}.png ../../packaging/windows/checkpoint-inspector.ico

# ICNS: "icns" + total length, then entries of (type, length, PNG bytes); macOS reads PNG payloads directly.
python3 - <<'PY'
import struct
entries = [(b"icp4", 16), (b"icp5", 32), (b"icp6", 64), (b"ic07", 128), (b"ic08", 256), (b"ic09", 512)]
body = b""
for kind, size in entries:
    png = open(f"checkpoint-inspector-{size}.png", "rb").read()
    body += kind + struct.pack(">I", len(png) + 8) + png
open("../../packaging/macos/checkpoint-inspector.icns", "wb").write(b"icns" + struct.pack(">I", len(body) + 8) + body)
PY
ls -l checkpoint-inspector* ../../packaging/windows/*.ico ../../packaging/macos/*.icns
