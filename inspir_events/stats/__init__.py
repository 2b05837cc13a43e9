"""Public statistics: needs, events, participants, ideas, projects and money, as charts."""
