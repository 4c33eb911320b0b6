#!/usr/bin/env bash
# Build the one-folder PyInstaller bundle and prove it works: frozen --self-test (offscreen),
# bundle size, and the frozen cold start to a shown window (xcb under Xvfb when available).
# Run from anywhere after packaging/bootstrap.sh; CI (.ci/run) runs it after the tests.
set -euo pipefail
cd "$(dirname "$0")/.."

.venv/bin/python -m pip install -q --disable-pip-version-check -e ".[build]"

mkdir -p build
start=$(date +%s)
# The bundled sample's parsed-study and analyses cache entries, keyed for the bundle frozen
# from this checkout (packaging/build_sample_cache.py).
rm -f build/sample_study.h2cache build/sample_study.results.h2cache
.venv/bin/python packaging/build_sample_cache.py build >/dev/null
if ! .venv/bin/pyinstaller --noconfirm --clean packaging/her2desk.spec >build/pyinstaller.log 2>&1; then
    tail -n 40 build/pyinstaller.log
    echo "bundle: PyInstaller failed (full log: build/pyinstaller.log)" >&2
    exit 1
fi
echo "bundle: built dist/her2desk in $(( $(date +%s) - start )) s"
echo "bundle: size $(du -sh dist/her2desk | cut -f1)"

exe=dist/her2desk/her2desk
[ -x "$exe" ] || exe=dist/her2desk/her2desk.exe
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT

# The frozen self-test: the sample study through the real window, offscreen.
HOME="$home" XDG_CONFIG_HOME="$home/config" QT_QPA_PLATFORM=offscreen "$exe" --self-test

# Cold start of the frozen app to a painted window, then the sample loaded and analysed.
# A real X server (xcb platform, the bundled xcb libraries) when Xvfb can be had.
if ! command -v xvfb-run >/dev/null 2>&1 && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    (DEBIAN_FRONTEND=noninteractive apt-get install -y -qq xvfb xauth >/dev/null 2>&1 \
        || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq xvfb xauth) >/dev/null 2>&1) \
        || echo "bundle: could not install Xvfb; measuring the start-up offscreen"
fi
sample="$PWD/resources/sample_study.xlsx"
if command -v xvfb-run >/dev/null 2>&1; then
    platform="xcb under Xvfb"
    run=(xvfb-run -a -s "-screen 0 1280x800x24" env QT_QPA_PLATFORM=xcb "$exe" app "$sample")
else
    platform="offscreen"
    run=(env QT_QPA_PLATFORM=offscreen "$exe" app "$sample")
fi
if HOME="$home" XDG_CONFIG_HOME="$home/config" HER2DESK_STARTUP_TIME=exit "${run[@]}" \
        >"$home/startup.log" 2>&1; then
    echo "bundle: frozen cold start ($platform):"
    grep "her2desk startup:" "$home/startup.log" | sed 's/^/  /'
else
    cat "$home/startup.log" >&2
    echo "bundle: the frozen app did not start ($platform)" >&2
    exit 1
fi
