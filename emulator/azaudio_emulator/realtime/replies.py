"""The emulated model: what a response says or calls, deterministically.

The emulator has no language model. A response is decided from the last
relevant item in its context (the conversation, or ``response.create``'s
``input``):

* the last item is a ``function_call_output`` -> the spoken/text reply
  ``"The function <name> returned: <output>."`` (output cut at 200 characters);
* the last user message (its text parts and what was heard in its audio),
  when function tools are configured and ``tool_choice`` allows it -> a
  ``function_call`` item when

  - ``tool_choice`` is ``{"type": "function", "name": N}`` (or, in preview, the
    string N): calls N;
  - ``tool_choice`` is ``"required"``: calls the first tool mentioned, else the
    first tool;
  - ``tool_choice`` is ``"auto"``: calls the first tool whose name the user
    *mentions*: the name, case-insensitive, with ``_`` and ``-`` read as spaces,
    appears as whole words ("get weather" or "get_weather" mention
    ``get_weather``).

  Arguments: ``{}`` when the tool's ``parameters`` have no ``required`` list;
  otherwise each required property gets a fixed value by its JSON type (string:
  its first ``enum`` value or ``"emulator"``; number/integer ``0``; boolean
  ``false``; array ``[]``; object ``{}``).
* otherwise the reply ``"You said: <text>."``, or ``"Sorry, I did not catch
  that."`` when the text is empty, or ``"Hello from the Azure OpenAI audio
  emulator."`` when the context has no user message at all.

With an integer ``max_output_tokens``, a reply longer than that many words is
cut to that many and its response ends ``incomplete`` (``max_output_tokens``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from .conversation import Item

GREETING = "Hello from the Azure OpenAI audio emulator."
EMPTY_REPLY = "Sorry, I did not catch that."


@dataclass(frozen=True)
class SpokenReply:
    """Answer with this text (spoken, or as text for text-only responses)."""

    text: str
    truncated: bool = False


@dataclass(frozen=True)
class FunctionCall:
    """Answer with a function_call item."""

    name: str
    arguments: str


def _words(text: str) -> str:
    return " ".join(re.sub(r"[_\-]+", " ", text.lower()).split())


def mentions(text: str, tool_name: str) -> bool:
    """Whether `text` mentions the tool by name (see the module doc)."""
    needle = _words(tool_name)
    if not needle:
        return False
    haystack = " " + " ".join(re.findall(r"[a-z0-9]+", _words(text))) + " "
    return f" {needle} " in haystack


def default_arguments(tool: dict) -> str:
    """The deterministic arguments for a call of `tool`."""
    params = tool.get("parameters") or {}
    required = params.get("required") or []
    properties = params.get("properties") or {}
    args: dict[str, Any] = {}
    for name in required:
        spec = properties.get(name) or {}
        kind = spec.get("type")
        if isinstance(kind, list):
            kind = next((k for k in kind if k != "null"), "string")
        if spec.get("enum"):
            args[name] = spec["enum"][0]
        elif kind in ("number", "integer"):
            args[name] = 0
        elif kind == "boolean":
            args[name] = False
        elif kind == "array":
            args[name] = []
        elif kind == "object":
            args[name] = {}
        else:
            args[name] = "emulator"
    return json.dumps(args)


def _forced_tool(tool_choice: Any, tools: list[dict]) -> str | None:
    if isinstance(tool_choice, dict):
        return tool_choice.get("name")
    if isinstance(tool_choice, str) and tool_choice not in ("auto", "none", "required"):
        return tool_choice
    return None


def choose_tool(text: str, tools: list[dict], tool_choice: Any) -> dict | None:
    """The tool to call for this user text, or None to answer instead."""
    if not tools or tool_choice == "none":
        return None
    forced = _forced_tool(tool_choice, tools)
    if forced is not None:
        return next((t for t in tools if t.get("name") == forced), {"name": forced})
    mentioned = next((t for t in tools if mentions(text, t.get("name", ""))), None)
    if mentioned is not None:
        return mentioned
    if tool_choice == "required":
        return tools[0]
    return None


def cut_to_tokens(text: str, max_output_tokens: Any) -> SpokenReply:
    """Apply an integer ``max_output_tokens`` (counted in words)."""
    if isinstance(max_output_tokens, int):
        words = text.split()
        if len(words) > max_output_tokens:
            return SpokenReply(" ".join(words[:max_output_tokens]), truncated=True)
    return SpokenReply(text)


def user_text(item: Item, heard: dict[str, str]) -> str:
    """A user message's text parts, then what was heard in its audio (or its given transcript)."""
    pieces = [p.get("text", "") for p in item.content if p["type"] == "input_text"]
    index = item.audio_part_index()
    if index is not None:
        pieces.append(heard.get(item.id) or item.content[index].get("transcript") or "")
    return " ".join(p.strip() for p in pieces if p and p.strip())


def decide(
    context: list[Item], heard: dict[str, str], tools: list[dict], tool_choice: Any, max_output_tokens: Any
) -> SpokenReply | FunctionCall:
    """Decide the response for `context`; `heard` maps user audio item ids to what was heard."""
    for item in reversed(context):
        if item.type == "function_call_output":
            call = next((i for i in context if i.type == "function_call" and i.call_id == item.call_id), None)
            name = call.name if call is not None else "tool"
            output = (item.output or "")[:200]
            return cut_to_tokens(f"The function {name} returned: {output}.", max_output_tokens)
        if item.type == "message" and item.role == "user":
            text = user_text(item, heard)
            tool = choose_tool(text, tools, tool_choice)
            if tool is not None:
                return FunctionCall(tool.get("name", ""), default_arguments(tool))
            said = text.rstrip(" .!?")
            reply = f"You said: {said}." if said else EMPTY_REPLY
            return cut_to_tokens(reply, max_output_tokens)
    return cut_to_tokens(GREETING, max_output_tokens)
