"""Do-not-call lists: global, per campaign and imported registries."""
