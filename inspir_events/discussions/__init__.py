"""Discussions (issue 20 §1): comments on needs, ideas, projects and store entries, with
one level of replies. The features describe their subjects to it (subjects.py); it
knows none of them."""
