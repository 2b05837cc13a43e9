"""The maturation pipeline: projects and their stages (pure gates in ``stages``), a round's
winners promoted, citizens' proposals qualified or oriented, the committee's moves, the
grants to projects and their support structures, and the projects' pages."""
