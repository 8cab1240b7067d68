#!/bin/sh
# Install a built bundle (python3 packaging/build.py) for one user, or system-wide with PREFIX=/usr/local (as root).
#   packaging/linux/install.sh [BUNDLE_DIR]     default BUNDLE_DIR: dist/decisionaid
# Puts the program in $PREFIX/lib/decisionaid, a link in $PREFIX/bin, the menu entry, the AppStream metainfo
# and the icons where desktops look for them. Remove with: packaging/linux/install.sh --uninstall
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
PREFIX=${PREFIX:-$HOME/.local}
ID=org.decisionaid.DecisionAid
SHARE=$PREFIX/share

if [ "${1:-}" = "--uninstall" ]; then
    rm -rf "$PREFIX/lib/decisionaid" "$PREFIX/bin/decisionaid" "$SHARE/applications/$ID.desktop" \
        "$SHARE/metainfo/$ID.metainfo.xml" "$SHARE/icons/hicolor/scalable/apps/$ID.svg"
    for size in 16 32 48 64 128 256 512; do rm -f "$SHARE/icons/hicolor/${size}x${size}/apps/$ID.png"; done
    echo "decisionaid removed from $PREFIX (your consultation records were not touched)."
    exit 0
fi

BUNDLE=${1:-$HERE/../../dist/decisionaid}
if [ ! -x "$BUNDLE/decisionaid" ]; then
    echo "No bundle at $BUNDLE: build it first with 'python3 packaging/build.py'." >&2
    exit 1
fi
mkdir -p "$PREFIX/lib" "$PREFIX/bin" "$SHARE/applications" "$SHARE/metainfo" "$SHARE/icons/hicolor/scalable/apps"
rm -rf "$PREFIX/lib/decisionaid"
cp -a "$BUNDLE" "$PREFIX/lib/decisionaid"
ln -sf "$PREFIX/lib/decisionaid/decisionaid" "$PREFIX/bin/decisionaid"
sed "s|^Exec=decisionaid|Exec=$PREFIX/bin/decisionaid|" "$HERE/$ID.desktop" > "$SHARE/applications/$ID.desktop"
cp "$HERE/$ID.metainfo.xml" "$SHARE/metainfo/"
cp -L "$HERE/icons/$ID.svg" "$SHARE/icons/hicolor/scalable/apps/$ID.svg"
for size in 16 32 48 64 128 256 512; do
    mkdir -p "$SHARE/icons/hicolor/${size}x${size}/apps"
    cp -L "$HERE/icons/$ID-$size.png" "$SHARE/icons/hicolor/${size}x${size}/apps/$ID.png"
done
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$SHARE/applications" || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$SHARE/icons/hicolor" || true
echo "decisionaid installed in $PREFIX/lib/decisionaid; start it from the menu or with $PREFIX/bin/decisionaid"
