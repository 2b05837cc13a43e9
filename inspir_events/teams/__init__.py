"""Teams: forming multidisciplinary teams at an event, joining, matching people and teams."""
