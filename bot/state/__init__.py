"""What the bot remembers: the store interface (base), its SQLite and PostgreSQL backends, the factory
that picks one from a URL, and the feedback summary. May import bot.settings only."""
