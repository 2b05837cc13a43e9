"""Accounts: sign-up, log-in and log-out, profile, roles granted by an admin."""
