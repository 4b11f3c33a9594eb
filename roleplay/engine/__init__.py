"""The simulated customer and the session state machine (pure, deterministic, no UI imports)."""
