"""Demo data of the calls for projects (issue 19 §5): written below."""
