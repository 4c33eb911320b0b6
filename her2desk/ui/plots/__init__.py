"""pyqtgraph figures fed by result objects: they draw, they never compute."""
