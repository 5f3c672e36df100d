"""Moving through a recording: play, pause, event by event, step by step, at a speed.

The screen is a fold of the events (``RunView``), so any position is the fold of the
events before it: forward folds the next ones in, back folds again from the start.
Playing follows the recorded times (``Event.t``), scaled by the speed. No Textual.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui.engine.events import Checkpoint, Event, TaskStarted

SPEEDS = (0.25, 0.5, 1.0, 2.0, 4.0, 10.0, 100.0)


@dataclass
class Player:
    events: list[Event]
    position: int = 0
    """How many events are shown (the fold of ``events[:position]``)."""
    playing: bool = False
    speed: float = 1.0
    _clock: float = 0.0
    """The recording's time the playback has reached, while playing."""

    def __post_init__(self) -> None:
        # Where each step starts: the index of each root checkpoint event.
        self.step_starts = [
            (i, e.step) for i, e in enumerate(self.events) if isinstance(e, Checkpoint) and not e.ns
        ]

    @property
    def at_end(self) -> bool:
        return self.position >= len(self.events)

    @property
    def step(self) -> int | None:
        """The step the shown events have reached."""
        reached = [step for index, step in self.step_starts if index < self.position]
        return reached[-1] if reached else None

    def toggle(self) -> None:
        if self.playing:
            self.playing = False
            return
        if self.at_end:
            self.position = 0  # play again from the start
        self.playing = True
        self._clock = self.events[self.position - 1].t if self.position else self._first_t()

    def advance(self, seconds: float) -> None:
        """Play on by ``seconds`` of wall time: every event recorded by then is shown."""
        if not self.playing:
            return
        self._clock += seconds * self.speed
        while not self.at_end and self.events[self.position].t <= self._clock:
            self.position += 1
        if self.at_end:
            self.playing = False

    def move(self, events: int) -> None:
        self.playing = False
        self.position = max(0, min(len(self.events), self.position + events))

    def move_step(self, steps: int) -> None:
        """To the next (or previous) step boundary: just after a step's checkpoint."""
        self.playing = False
        for _ in range(abs(steps)):
            self.position = self._boundary_after() if steps > 0 else self._boundary_before()

    def _boundary_after(self) -> int:
        later = [index + 1 for index, _ in self.step_starts if index + 1 > self.position]
        return later[0] if later else len(self.events)

    def _boundary_before(self) -> int:
        earlier = [index + 1 for index, _ in self.step_starts if index + 1 < self.position]
        # Events that only close a step (its status, the run's end) are not a step of
        # their own: from there, back is the boundary before.
        while earlier and not self._work_between(earlier[-1], self.position):
            earlier.pop()
        return earlier[-1] if earlier else 0

    def _work_between(self, start: int, end: int) -> bool:
        return any(isinstance(e, TaskStarted | Checkpoint) for e in self.events[start:end])

    def jump_to_step(self, step: int) -> bool:
        """Show everything up to the checkpoint of ``step``; False if it was never reached."""
        for index, reached in self.step_starts:
            if reached == step:
                self.playing = False
                self.position = index + 1
                return True
        return False

    def faster(self, by: int) -> float:
        index = min(range(len(SPEEDS)), key=lambda i: abs(SPEEDS[i] - self.speed))
        self.speed = SPEEDS[max(0, min(len(SPEEDS) - 1, index + by))]
        return self.speed

    def label(self) -> str:
        state = "▶" if self.playing else "⏸"
        step = "-" if self.step is None else str(self.step)
        return f"{state} {self.speed:g}× · event {self.position}/{len(self.events)} · step {step}"

    def _first_t(self) -> float:
        return self.events[0].t if self.events else 0.0
