"""Thin glue: parse, authenticate, call one service, reply."""
