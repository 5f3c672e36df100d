from tui.cli import entry

raise SystemExit(entry())
