"""Caller IDs (主显号码): pools, assignment to campaigns, rotation, cool-down,
per-number statistics, and the trunks' pass-through settings."""
