"""Ideas and live voting: posting ideas, voting rounds, live tallies over Socket.IO, winners."""
