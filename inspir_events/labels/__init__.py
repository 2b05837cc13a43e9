"""The INS'pir label: charter-based requests and the committee's decisions."""
