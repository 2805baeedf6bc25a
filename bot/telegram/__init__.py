"""The Telegram front end: the PTB application (app), its helpers and the Telegram HTML rendering.
May import the pipeline and everything below it, and bot.state; nothing imports it but the CLI."""
