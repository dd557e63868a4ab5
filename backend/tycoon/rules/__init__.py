"""The game's rules as pure functions of (state, now): no I/O, no framework."""
