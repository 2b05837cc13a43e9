"""Budget years ("exercices"): each year's aid rules as data, versioned; opening a year,
changing its rules (a new version once a decision was taken under them), the rules in
force for a year and the latest year in force."""
