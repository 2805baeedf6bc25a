"""The words the bot speaks: language detection, unit labels ("§ 6", "para. 6"), localized messages.
May import index and bot.settings only."""
