"""Dialogs: study settings, column mapping, export."""
