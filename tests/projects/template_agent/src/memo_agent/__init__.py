"""A project shaped like LangChain's memory-agent template, offline."""
