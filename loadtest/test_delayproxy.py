"""The delaying proxy adds its delay once per direction, in order, without holding chunks behind each other.

cd backend && uv run python -m pytest ../loadtest -q
"""

from __future__ import annotations

import asyncio
import time

from delayproxy import DelayProxy

ONE_WAY = 0.05


async def echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    while data := await reader.read(1024):
        writer.write(data)
        await writer.drain()
    writer.close()


async def through_proxy() -> tuple[asyncio.Server, asyncio.Server, int]:
    upstream = await asyncio.start_server(echo, "127.0.0.1", 0)
    upstream_port = upstream.sockets[0].getsockname()[1]
    proxy = await DelayProxy(("127.0.0.1", upstream_port), ONE_WAY).serve(("127.0.0.1", 0))
    return upstream, proxy, proxy.sockets[0].getsockname()[1]


async def round_trips() -> list[float]:
    upstream, proxy, port = await through_proxy()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    elapsed = []
    for message in (b"one", b"two"):
        started = time.perf_counter()
        writer.write(message)
        assert await reader.readexactly(len(message)) == message
        elapsed.append(time.perf_counter() - started)
    writer.close()
    proxy.close()
    upstream.close()
    return elapsed


async def pipelined_arrivals() -> list[float]:
    """Five chunks 10 ms apart arrive 10 ms apart, one round trip later, and in order."""
    upstream, proxy, port = await through_proxy()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    started = time.perf_counter()
    for n in range(5):
        writer.write(bytes([65 + n]))
        await asyncio.sleep(0.01)
    arrivals = []
    for n in range(5):
        assert await reader.readexactly(1) == bytes([65 + n])
        arrivals.append(time.perf_counter() - started)
    writer.write_eof()
    assert await reader.read() == b""  # end of stream passes through too
    proxy.close()
    upstream.close()
    return arrivals


def test_each_round_trip_is_delayed_twice_the_one_way_delay() -> None:
    for elapsed in asyncio.run(round_trips()):
        assert 2 * ONE_WAY <= elapsed < 2 * ONE_WAY + 0.04


def test_chunks_are_not_held_behind_each_other() -> None:
    arrivals = asyncio.run(pipelined_arrivals())
    assert 2 * ONE_WAY <= arrivals[0] < 2 * ONE_WAY + 0.04
    assert arrivals[-1] - arrivals[0] < 0.04 + 0.03  # the 40 ms of sending, not 4 more round trips
