"""Following (issue 17 §4): a person follows a need, an event, a project or a support
structure and is told what happens to it. The features describe their subjects to it
(subjects.py); it knows none of them."""
