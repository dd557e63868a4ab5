"""A response in one write: uvicorn's own protocol driven through CoalescingTransport over a recording transport."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from starlette.types import Receive, Scope, Send
from uvicorn.config import Config
from uvicorn.server import ServerState

from tycoon.kit.coalesce import CoalescingHttpToolsProtocol, CoalescingTransport


class RecordingTransport(asyncio.Transport):
    """What a socket would send, one entry per write."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []
        self.events: list[str] = []
        self.closing = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.writes.append(bytes(data))
        self.events.append("write")

    def close(self) -> None:
        self.closing = True
        self.events.append("close")

    def abort(self) -> None:
        self.closing = True
        self.events.append("abort")

    def is_closing(self) -> bool:
        return self.closing

    def get_write_buffer_size(self) -> int:
        return 0

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"peername": ("127.0.0.1", 50000), "sockname": ("127.0.0.1", 8000)}.get(name, default)

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass


async def hello(scope: Scope, receive: Receive, send: Send) -> None:
    body = b'{"message":"hello"}'
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def serve(request: bytes) -> RecordingTransport:
    """Feed `request` to the protocol and let the loop run until the app has answered."""
    transport = RecordingTransport()
    config = Config(app=hello, lifespan="off", access_log=False)
    protocol = CoalescingHttpToolsProtocol(config, ServerState(), app_state={})
    protocol.connection_made(transport)
    protocol.data_received(request)
    for _ in range(20):
        await asyncio.sleep(0)
    protocol.connection_lost(None)
    return transport


async def test_a_response_head_and_body_leave_in_one_write() -> None:
    transport = await serve(b"GET /hello HTTP/1.1\r\nHost: test\r\n\r\n")
    assert len(transport.writes) == 1
    head, _, body = transport.writes[0].partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK")
    assert b"content-length: 19" in head
    assert body == b'{"message":"hello"}'


async def test_a_head_request_still_sends_its_head() -> None:
    transport = await serve(b"HEAD /hello HTTP/1.1\r\nHost: test\r\n\r\n")
    assert len(transport.writes) == 1
    assert transport.writes[0].startswith(b"HTTP/1.1 200 OK")
    assert transport.writes[0].endswith(b"\r\n\r\n")


async def test_pipelined_requests_are_answered_in_order() -> None:
    request = b"GET /hello HTTP/1.1\r\nHost: test\r\n\r\n"
    transport = await serve(request * 2)
    sent = b"".join(transport.writes)
    assert sent.count(b"HTTP/1.1 200 OK") == 2
    assert sent.count(b'{"message":"hello"}') == 2


async def test_a_connection_closed_after_its_answer_sends_the_answer_first() -> None:
    transport = await serve(b"GET /hello HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
    assert transport.events[:2] == ["write", "close"]
    assert transport.writes[0].endswith(b'{"message":"hello"}')


async def test_writes_of_one_round_are_held_and_then_sent_together() -> None:
    real = RecordingTransport()
    transport = CoalescingTransport(real, asyncio.get_running_loop())
    transport.write(b"head ")
    transport.write(b"")
    transport.writelines([b"body", b"!"])
    assert real.writes == []
    assert transport.get_write_buffer_size() == len(b"head body!")
    await asyncio.sleep(0)
    assert real.writes == [b"head body!"]
    await asyncio.sleep(0)
    assert real.writes == [b"head body!"]  # the flush ran once


async def test_close_sends_what_is_held_and_abort_drops_it() -> None:
    loop = asyncio.get_running_loop()
    closed, aborted = RecordingTransport(), RecordingTransport()
    closing = CoalescingTransport(closed, loop)
    closing.write(b"last words")
    closing.close()
    aborting = CoalescingTransport(aborted, loop)
    aborting.write(b"never")
    aborting.abort()
    await asyncio.sleep(0)  # the scheduled flushes find nothing held
    assert closed.events == ["write", "close"]
    assert closed.writes == [b"last words"]
    assert aborted.events == ["abort"]


@pytest.mark.parametrize("name", ["is_closing", "get_extra_info", "pause_reading", "resume_reading"])
async def test_everything_else_is_the_real_transports(name: str) -> None:
    real = RecordingTransport()
    transport = CoalescingTransport(real, asyncio.get_running_loop())
    assert getattr(transport, name) == getattr(real, name)
