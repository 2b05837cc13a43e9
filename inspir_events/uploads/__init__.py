"""Uploaded files (issue 20 §4): the shared folder, pictures re-encoded, PDF documents."""
