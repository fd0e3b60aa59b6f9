"""Use cases: the only code that commits. Each takes the actor first, checks policy, changes
state, writes the audit event and commits once."""
