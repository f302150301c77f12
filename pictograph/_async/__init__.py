"""The asynchronous front end. ``pictograph/_sync`` is generated from this package by ``scripts/unasync.py``."""
