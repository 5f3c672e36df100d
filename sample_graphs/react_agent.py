"""A ReAct agent: the model calls tools until it has what it needs, then answers.

    langgraph-tui run sample_graphs/react_agent.py --message "Weather in Oslo?"

The scripted model calls get_weather and local_time in parallel, then
convert_temperature with the temperature it got back, then answers.
"""

import hashlib
from typing import Literal

from langchain_core.messages import HumanMessage
from langchain_core.tools import tool
from langgraph.graph import END, START, MessagesState, StateGraph
from langgraph.prebuilt import ToolNode, tools_condition

from tui.providers import active_model, chat_model


def _pick(text: str, options: list[str]) -> str:
    return options[int(hashlib.sha1(text.lower().encode()).hexdigest(), 16) % len(options)]


@tool
def get_weather(city: str) -> str:
    """Current weather for a city."""
    sky = _pick(city, ["sunny", "cloudy", "light rain", "windy"])
    celsius = 8 + int(hashlib.sha1(city.lower().encode()).hexdigest(), 16) % 20
    return f"{city}: {sky}, {celsius}°C"


@tool
def local_time(city: str) -> str:
    """Local time in a city, with its UTC offset."""
    offset = _pick(city, ["+0", "+1", "+2", "-5", "+9"])
    return f"It is 14:05 in {city} (UTC{offset})."


@tool
def convert_temperature(
    celsius: float, unit: Literal["fahrenheit", "kelvin"] = "fahrenheit"
) -> str:
    """Convert a temperature in Celsius to Fahrenheit or Kelvin."""
    if unit == "kelvin":
        return f"{celsius:g}°C is {celsius + 273.15:.2f} K"
    return f"{celsius:g}°C is {celsius * 9 / 5 + 32:.1f}°F"


TOOLS = [get_weather, local_time, convert_temperature]


async def agent(state: MessagesState) -> dict:
    options = {}
    if active_model().provider == "openai" and isinstance(state["messages"][-1], HumanMessage):
        # Small local models rarely call a tool unless told to: force one on the
        # first turn only, so the loop still ends when the model has its answer. By
        # name: llama.cpp's server ignores tool_choice="required" but honours a name.
        options["tool_choice"] = TOOLS[0].name
    model = chat_model().bind_tools(TOOLS, **options)
    reply = await model.ainvoke(
        [("system", "Use the tools to answer. Be brief."), *state["messages"]]
    )
    return {"messages": [reply]}


builder = StateGraph(MessagesState)
builder.add_node("agent", agent)
builder.add_node("tools", ToolNode(TOOLS))
builder.add_edge(START, "agent")
builder.add_conditional_edges("agent", tools_condition, {"tools": "tools", END: END})
builder.add_edge("tools", "agent")
graph = builder.compile()

default_input = {
    "messages": [
        {"role": "user", "content": "What's the weather in Paris, and what time is it there?"}
    ]
}
