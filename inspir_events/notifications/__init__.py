"""In-app notifications: a small notification centre used by every feature."""
