"""Dispositions per campaign, recycling, do-not-call on disposition, callbacks."""
