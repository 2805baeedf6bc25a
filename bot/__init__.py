"""resobot's answering side. The root holds the entry points (cli, __main__, health, evaluate), what they
share (pipeline, startup, terminal) and settings; the packages: answers/, text/, telegram/, state/."""
