"""The method's scheduled jobs (filled in by the publication work)."""
