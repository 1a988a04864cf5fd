"""Live fan-out: broadcast backends, the per-process hub and its connections."""
