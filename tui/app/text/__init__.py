"""Turning data into terminal text: literal (never markup, never control codes),
incremental word wrap for streaming replies, tracebacks cut to the user's frames."""
