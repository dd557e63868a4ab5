"""A TCP proxy that delays every chunk, to put a remote database between the server and a local PostgreSQL.

    python delayproxy.py --listen 127.0.0.1:25433 --upstream 127.0.0.1:25432 --rtt-ms 50

Each chunk read from one side is written to the other side `delay` later, in order; chunks are not held
behind each other (bandwidth is not limited), so a query costs one extra round trip time, as across a real
network. --rtt-ms splits the delay evenly between the two directions; --one-way-ms delays each direction by
the given amount (so the round trip grows by twice that).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal

CHUNK = 65536


def host_port(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    return host or "127.0.0.1", int(port)


async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, delay: float) -> None:
    """Copy reader to writer, each chunk `delay` seconds after it was read."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

    async def deliver() -> None:
        while True:
            due, chunk = await queue.get()
            if (wait := due - loop.time()) > 0:
                await asyncio.sleep(wait)
            if not chunk:
                with contextlib.suppress(OSError):
                    writer.write_eof()
                return
            writer.write(chunk)
            await writer.drain()

    delivery = asyncio.create_task(deliver())
    try:
        while chunk := await reader.read(CHUNK):
            queue.put_nowait((loop.time() + delay, chunk))
        queue.put_nowait((loop.time() + delay, b""))
        await delivery
    finally:
        delivery.cancel()


class DelayProxy:
    def __init__(self, upstream: tuple[str, int], one_way_seconds: float) -> None:
        self.upstream = upstream
        self.delay = one_way_seconds

    async def handle(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self.upstream)
        except OSError:
            client_writer.close()
            return
        try:
            await asyncio.gather(
                pipe(client_reader, upstream_writer, self.delay),
                pipe(upstream_reader, client_writer, self.delay),
            )
        except (OSError, asyncio.IncompleteReadError):
            pass  # one side went away: close both
        finally:
            for writer in (client_writer, upstream_writer):
                writer.close()

    async def serve(self, listen: tuple[str, int]) -> asyncio.Server:
        return await asyncio.start_server(self.handle, *listen, backlog=1024)


async def run(listen: tuple[str, int], upstream: tuple[str, int], one_way_seconds: float) -> None:
    server = await DelayProxy(upstream, one_way_seconds).serve(listen)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with server:
        await stop.wait()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--listen", type=host_port, required=True, help="host:port to accept on")
    parser.add_argument("--upstream", type=host_port, required=True, help="host:port to forward to")
    delay = parser.add_mutually_exclusive_group(required=True)
    delay.add_argument("--rtt-ms", type=float, help="round trip added, half in each direction")
    delay.add_argument("--one-way-ms", type=float, help="delay added in each direction")
    args = parser.parse_args()
    one_way_ms = args.one_way_ms if args.one_way_ms is not None else args.rtt_ms / 2
    proxy = run(args.listen, args.upstream, one_way_ms / 1000)
    try:
        import uvloop  # the server's event loop: less CPU per chunk than asyncio's
    except ImportError:
        asyncio.run(proxy)
    else:
        uvloop.run(proxy)


if __name__ == "__main__":
    main()
