"""Events: declare INS'pir events, the label, registration with waitlist, check-in, calendars."""
