"""Calling rules per campaign: jurisdiction profiles, the campaign's
effective rules and their mapping onto the dialer's eligibility gate."""
