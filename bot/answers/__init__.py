"""Answers: offline quotes, generation with a chat model, claim verification, prompt loading.
May import bot.text, index and bot.settings; never the pipeline or a front end."""
