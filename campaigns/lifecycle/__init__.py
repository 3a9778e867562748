"""The campaign lifecycle: a pure state machine (`machine`) and the service
that applies it, records the timeline and tells the pods (`service`)."""
