"""The resolution's text and finding units in it: parse, models, sentences, embeddings, the Chroma store,
and the search over them (retrieve, lexical, references). May import bot.settings only."""
