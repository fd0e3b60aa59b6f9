"""PDF exports, rendered with reportlab platypus from plain data objects (never from models)."""
