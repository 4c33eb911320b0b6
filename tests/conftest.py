"""Test-wide set-up: Qt must never need a display, whatever the machine."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
