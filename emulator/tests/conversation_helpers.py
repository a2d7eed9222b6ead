"""Helpers the realtime conversation tests share: a user text item, and a text turn answered to the end."""

from __future__ import annotations


def user_text(text: str) -> dict:
    return {"type": "message", "role": "user", "content": [{"type": "input_text", "text": text}]}


async def answered(rt, text: str = "hi") -> list[dict]:
    """Create a user text item and a response; events until response.done (the
    rate_limits.updated that follows is consumed too, and left in rt.received)."""
    await rt.send("conversation.item.create", item=user_text(text))
    await rt.send("response.create")
    events = await rt.until("response.done")
    await rt.expect("rate_limits.updated")
    return events
