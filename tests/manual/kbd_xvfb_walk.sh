#!/bin/sh
# A keyboard-only consultation and review under Xvfb, driven by xdotool key presses; a screenshot after each step.
# Usage (from the worktree): sh tests/manual/kbd_xvfb_walk.sh OUT_DIR [SCALE]
# Needs Xvfb, xdotool, openbox (optional). Screenshots by tests/manual/grab_root.py (Qt, no ImageMagick).
set -eu
OUT=${1:-/tmp/kbd-walk}; SCALE=${2:-1}
mkdir -p "$OUT"
export DISPLAY=:91
Xvfb :91 -screen 0 1366x768x24 >/dev/null 2>&1 & XVFB=$!
sleep 1
(openbox >/dev/null 2>&1 &) || true
DATA=$(mktemp -d); export DECISIONAID_DATA_DIR="$DATA/data"
QT_SCALE_FACTOR=$SCALE QT_QPA_PLATFORM=xcb .venv/bin/python -m decisionaid >/dev/null 2>"$OUT/app-stderr.txt" & APP=$!
n=0
shot() { n=$((n+1)); sleep 0.6; .venv/bin/python tests/manual/grab_root.py "$OUT/$(printf %02d $n)-$1.png"; }
key() { xdotool key --delay 60 "$@"; }
typ() { xdotool type --delay 40 "$1"; }
for i in $(seq 30); do xdotool search --name decisionaid >/dev/null 2>&1 && break; sleep 1; done
sleep 3
WIN=$(xdotool search --name decisionaid | head -1); xdotool windowactivate "$WIN" 2>/dev/null || xdotool windowfocus "$WIN"
shot start
key ctrl+n; shot new-session-identifier
typ "KB-77"; key Tab; shot date-and-time
key Tab; typ "Dr Keys"; shot clinician
for s in 1 2 1 1 0 1 2 1 0; do key Tab; typ "$s"; done; shot phq9-item9
key Tab; shot phq9-total
key Tab; shot q1-suicidal-thoughts
key Right space; shot q1-answered-no
key Tab; key space; shot q2-age-18-to-65
key Tab; key Right space; shot q3-psychotic-no
for i in $(seq 30); do key Tab; done; shot q33-last-question
key Tab; typ "Talked it through."; shot notes
key Tab; shot decision
key Down; key Tab; shot follow-up-on
key space; key Tab; typ "2027-01-20"; shot follow-up-date-typed
key Tab; key ctrl+s; shot saved
key ctrl+f; shot find; typ "KB-77"; sleep 1; shot search-typed
for i in $(seq 6); do key Tab; done; shot tab-to-list
key Return; shot opened-read-only
key ctrl+5; shot back-to-sessions
key alt+s; sleep 1; shot history-dialog
key Escape; key ctrl+q; sleep 2; shot after-quit
kill $APP 2>/dev/null || true
kill $XVFB 2>/dev/null || true
