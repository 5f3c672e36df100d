"""Where a cassette meets LangChain: every chat model's and tool's own call methods.

Each chat model class implements some of ``_generate``, ``_agenerate``, ``_stream``
and ``_astream``; every public way of calling a model (``invoke``, ``ainvoke``,
``stream``, ``astream``, ``batch``, with or without callbacks asking for a stream)
ends in one of them, after LangChain has set up its callbacks. Wrapping them (on
every subclass that defines one, including classes defined later) lets a cassette
see every call, and answer it in a replay, while the run's ``messages`` stream and
token accounting still see the replayed chunks as if the model sent them. Tools
likewise end in ``_run`` / ``_arun``.

The wrappers stay installed once made; with no cassette playing they call the
original at once. A call made by another wrapped method (LangChain's default
``_agenerate`` runs ``_generate`` in a thread) is seen once, by the outermost.
"""

from __future__ import annotations

import contextvars
import functools
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from typing import TYPE_CHECKING, Any

from langchain_core.language_models import BaseChatModel
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_core.tools import BaseTool

from tui.cassettes.calls import (
    chunk_data,
    current_site,
    raise_recorded_failure,
    replay_chunks,
    replay_message,
    request_of,
)

if TYPE_CHECKING:
    from tui.cassettes.cassette import Cassette

_MODEL_METHODS = ("_generate", "_agenerate", "_stream", "_astream")
_TOOL_METHODS = ("_run", "_arun")
_NOT_TOOL_ARGS = frozenset({"run_manager", "config", "callbacks"})
_WRAPPED = "__langgraph_tui_cassette__"

# Set while a wrapped call runs its original: a call it makes through another wrapped
# method of the same kind is part of it. Models and tools apart: a model called by a
# tool is a call of its own.
_in_model: contextvars.ContextVar[bool] = contextvars.ContextVar("in_model", default=False)
_in_tool: contextvars.ContextVar[bool] = contextvars.ContextVar("in_tool", default=False)
_active: Cassette | None = None
_lock = threading.Lock()
_installed = False


def activate(cassette: Cassette) -> None:
    global _active
    from tui.cassettes.divergence import CassetteError

    with _lock:
        if _active is not None and _active is not cassette:
            raise CassetteError(
                f"cassette {_active.path} is already playing: use one cassette at a time"
            )
        _install()
        _active = cassette


def deactivate(cassette: Cassette) -> None:
    global _active
    with _lock:
        if _active is cassette:
            _active = None


def _playing(inside: contextvars.ContextVar[bool]) -> Cassette | None:
    return None if inside.get() else _active


# -- installing -------------------------------------------------------------------------


def _install() -> None:
    global _installed
    if _installed:
        return
    _installed = True
    for base, wrap in ((BaseChatModel, _wrap_model_class), (BaseTool, _wrap_tool_class)):
        for cls in _subclasses(base):
            wrap(cls)
        _hook_new_subclasses(base, wrap)


def _subclasses(base: type) -> list[type]:
    found: list[type] = []
    todo: list[type] = list(base.__subclasses__())
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


def _hook_new_subclasses(base: Any, wrap: Callable[[type], None]) -> None:
    # Pydantic calls this once a subclass is complete: a model class imported later
    # (a provider loaded inside a node) is wrapped too.
    def hook(cls: Any, **kwargs: Any) -> None:
        super(base, cls).__pydantic_init_subclass__(**kwargs)
        wrap(cls)

    base.__pydantic_init_subclass__ = classmethod(hook)


def _wrap_model_class(cls: type) -> None:
    makers = {
        "_generate": _generate,
        "_agenerate": _agenerate,
        "_stream": _stream,
        "_astream": _astream,
    }
    _wrap_methods(cls, _MODEL_METHODS, makers)


def _wrap_tool_class(cls: type) -> None:
    _wrap_methods(cls, _TOOL_METHODS, {"_run": _run, "_arun": _arun})


def _wrap_methods(cls: type, names: tuple[str, ...], makers: dict[str, Any]) -> None:
    for name in names:
        original = cls.__dict__.get(name)
        if original is None or getattr(original, _WRAPPED, False) or not callable(original):
            continue
        wrapper = functools.wraps(original)(makers[name](original))
        setattr(wrapper, _WRAPPED, True)
        setattr(cls, name, wrapper)


# -- chat models --------------------------------------------------------------------------


def _model_name(model: Any) -> str:
    for attr in ("model_name", "model"):
        value = getattr(model, attr, None)
        if isinstance(value, str) and value:
            return value
    return type(model).__name__


def _call_kwargs(kwargs: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in kwargs.items() if k not in ("run_manager", "stop")}


def _generate(original: Callable[..., ChatResult]) -> Callable[..., ChatResult]:
    def wrapper(self: Any, messages: Any, *args: Any, **kwargs: Any) -> ChatResult:
        tape = _playing(_in_model)
        if tape is None:
            return original(self, messages, *args, **kwargs)
        request = request_of(messages, _call_kwargs(kwargs))
        entry = tape.model_call(current_site(), request, _model_name(self))
        if tape.replaying:
            return ChatResult(generations=[ChatGeneration(message=replay_message(entry))])
        token = _in_model.set(True)
        try:
            result = original(self, messages, *args, **kwargs)
        except Exception as exc:
            tape.model_failed(entry, exc)
            raise
        finally:
            _in_model.reset(token)
        tape.model_replied(entry, result.generations[0].message)
        return result

    return wrapper


def _agenerate(original: Callable[..., Any]) -> Callable[..., Any]:
    async def wrapper(self: Any, messages: Any, *args: Any, **kwargs: Any) -> ChatResult:
        tape = _playing(_in_model)
        if tape is None:
            return await original(self, messages, *args, **kwargs)
        request = request_of(messages, _call_kwargs(kwargs))
        entry = tape.model_call(current_site(), request, _model_name(self))
        if tape.replaying:
            return ChatResult(generations=[ChatGeneration(message=replay_message(entry))])
        token = _in_model.set(True)
        try:
            result = await original(self, messages, *args, **kwargs)
        except Exception as exc:
            tape.model_failed(entry, exc)
            raise
        finally:
            _in_model.reset(token)
        tape.model_replied(entry, result.generations[0].message)
        return result

    return wrapper


def _stream(original: Callable[..., Iterator[ChatGenerationChunk]]) -> Callable[..., Any]:
    def wrapper(self: Any, messages: Any, *args: Any, **kwargs: Any) -> Any:
        tape = _playing(_in_model)
        if tape is None:
            yield from original(self, messages, *args, **kwargs)
            return
        request = request_of(messages, _call_kwargs(kwargs))
        entry = tape.model_call(current_site(), request, _model_name(self))
        if tape.replaying:
            yield from replay_chunks(entry)
            raise_recorded_failure(entry)
            return
        chunks: list[dict[str, Any]] = []
        token = _in_model.set(True)
        try:
            for chunk in original(self, messages, *args, **kwargs):
                chunks.append(chunk_data(chunk))  # before LangChain sets its run's id
                yield chunk
        except Exception as exc:
            tape.model_failed(entry, exc)
            raise
        finally:
            _in_model.reset(token)
            tape.model_streamed(entry, chunks)

    return wrapper


def _astream(original: Callable[..., AsyncIterator[ChatGenerationChunk]]) -> Callable[..., Any]:
    async def wrapper(self: Any, messages: Any, *args: Any, **kwargs: Any) -> Any:
        tape = _playing(_in_model)
        if tape is None:
            async for chunk in original(self, messages, *args, **kwargs):
                yield chunk
            return
        request = request_of(messages, _call_kwargs(kwargs))
        entry = tape.model_call(current_site(), request, _model_name(self))
        if tape.replaying:
            for chunk in replay_chunks(entry):
                yield chunk
            raise_recorded_failure(entry)
            return
        chunks: list[dict[str, Any]] = []
        token = _in_model.set(True)
        try:
            async for chunk in original(self, messages, *args, **kwargs):
                chunks.append(chunk_data(chunk))  # before LangChain sets its run's id
                yield chunk
        except Exception as exc:
            tape.model_failed(entry, exc)
            raise
        finally:
            _in_model.reset(token)
            tape.model_streamed(entry, chunks)

    return wrapper


# -- tools ----------------------------------------------------------------------------------


def _tool_args(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    named = {k: v for k, v in kwargs.items() if k not in _NOT_TOOL_ARGS}
    return {"args": list(args), **named} if args else named


def _run(original: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        tape = _playing(_in_tool)
        if tape is None or not tape.tools:
            return original(self, *args, **kwargs)
        entry = tape.tool_call(current_site(), self.name, _tool_args(args, kwargs))
        if tape.replaying and entry.get("replayable"):
            return tape.tool_output(entry)
        token = _in_tool.set(True)
        try:
            output = original(self, *args, **kwargs)
        finally:
            _in_tool.reset(token)
        tape.tool_returned(entry, output)
        return output

    return wrapper


def _arun(original: Callable[..., Any]) -> Callable[..., Any]:
    async def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        tape = _playing(_in_tool)
        if tape is None or not tape.tools:
            return await original(self, *args, **kwargs)
        entry = tape.tool_call(current_site(), self.name, _tool_args(args, kwargs))
        if tape.replaying and entry.get("replayable"):
            return tape.tool_output(entry)
        token = _in_tool.set(True)
        try:
            output = await original(self, *args, **kwargs)
        finally:
            _in_tool.reset(token)
        tape.tool_returned(entry, output)
        return output

    return wrapper
