"""Sequences: load -> decide (domain) -> store + event in one transaction -> publish.

The only layer that publishes, and it publishes only after the commit.
"""
