"""Sign-in, two-factor, sessions, route access declarations and response headers."""
