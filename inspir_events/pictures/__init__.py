"""Pictures of events, projects and support structures (issue 20 §4)."""
