"""Shared pieces every package uses: database base class and session factory,
Redis and RQ connection factory, auth and roles, the clock, the API helpers.

Importing this package connects to nothing.
"""
