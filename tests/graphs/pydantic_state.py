"""A graph whose state is a pydantic model, with a reducer on one field: time travel
must work for any state schema, not only TypedDicts with ``messages``."""

import operator
from typing import Annotated

from pydantic import BaseModel

from tests.graphs.two_steps import two_steps


class State(BaseModel):
    items: Annotated[list[str], operator.add] = []
    count: int = 0


graph = two_steps(State)
default_input = {"count": 1}
