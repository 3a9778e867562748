"""Agent console and supervisor wallboard: the pages, their Server-Sent
Events streams fed by the pods' live state in Redis (docs/live-state.md),
and the console's JSON API under /api/v1/console."""
