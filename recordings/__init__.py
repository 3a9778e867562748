"""Recordings: archive, catalogue, retention, delivery bundles and QA review."""
