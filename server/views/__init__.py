"""Jinja environment and one renderer per fragment; needs no request (URLs passed in)."""
