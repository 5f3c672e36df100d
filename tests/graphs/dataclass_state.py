"""A graph whose state is a dataclass, with a reducer on one field."""

import operator
from dataclasses import dataclass, field
from typing import Annotated

from tests.graphs.two_steps import two_steps


@dataclass
class State:
    items: Annotated[list[str], operator.add] = field(default_factory=list)
    count: int = 0


graph = two_steps(State)
default_input = {"count": 1}
