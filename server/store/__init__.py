"""SQLModel tables and queries: the only place with SQL."""
