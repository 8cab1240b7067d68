"""Save the whole X screen as a PNG (no ImageMagick needed): DISPLAY=:91 python grab_root.py out.png"""
import sys

from PySide6.QtGui import QGuiApplication

app = QGuiApplication(sys.argv[:1] + ["-platform", "xcb"])
QGuiApplication.primaryScreen().grabWindow(0).save(sys.argv[1])
