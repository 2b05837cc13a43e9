"""Socket.IO handlers of live voting: thin, they call the services."""
