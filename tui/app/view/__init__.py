"""The app's view of a run: plain Python folded from events, no Textual.

``RunView`` is what every pane reads; ``records`` are the rows, blocks and entries it
keeps. Because it is a pure function of the event stream, a recording replays into
the same screen, and it can be tested without an app.
"""
