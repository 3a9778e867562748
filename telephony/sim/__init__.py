"""Simulators for tests and demos: a carrier trunk, agents' softphones and a digest registrar."""
