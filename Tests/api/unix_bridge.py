#!/usr/bin/env python3
"""A loopback TCP -> Unix-socket byte bridge, for HTTP clients that cannot dial a Unix socket.

schemathesis (4.x, through `requests`) only speaks TCP, and rentald only listens on a Unix socket.
This listens on 127.0.0.1 (an ephemeral port unless --port is given), and for every accepted connection
opens one connection to the Unix socket and copies bytes both ways until either side closes. It does
not parse HTTP: keep-alive, pipelining and `Connection: close` behave as with a direct connection. The
daemon sees the bridge's own credentials (SO_PEERCRED) as the caller.

    python3 unix_bridge.py --socket /path/rentald.sock --port-file /tmp/port [--lifetime 3600]

Writes the chosen port to --port-file (atomically) once listening. Stops on SIGTERM/SIGINT, or by
itself after --lifetime seconds, so that a forgotten bridge never outlives its test run for long.
Standard library only.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys

CHUNK = 64 * 1024


async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            data = await reader.read(CHUNK)
            if not data:
                return
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError, asyncio.IncompleteReadError):
        return


async def close(writer: asyncio.StreamWriter) -> None:
    try:
        writer.close()
        await writer.wait_closed()
    except (ConnectionError, OSError):
        pass


def make_handler(socket_path: str, connections: set[asyncio.Task]):
    async def handle(client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            connections.add(task)
        try:
            try:
                upstream_reader, upstream_writer = await asyncio.open_unix_connection(socket_path)
            except OSError as error:
                print(f"unix_bridge: cannot connect to {socket_path}: {error}", file=sys.stderr)
                await close(client_writer)
                return
            # HTTP clients do not half-close, so the first side to finish ends the whole connection: a
            # half-close forwarded to rentald would make it drop the connection (no remote half-closure).
            legs = [asyncio.create_task(pipe(client_reader, upstream_writer)),
                    asyncio.create_task(pipe(upstream_reader, client_writer))]
            try:
                await asyncio.wait(legs, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for leg in legs:
                    leg.cancel()
                await asyncio.gather(*legs, return_exceptions=True)
                await close(upstream_writer)
                await close(client_writer)
        finally:
            if task is not None:
                connections.discard(task)

    return handle


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--socket", required=True, help="the Unix socket to forward to")
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="TCP port (default: an ephemeral one)")
    parser.add_argument("--port-file", help="write the port here once listening")
    parser.add_argument("--lifetime", type=float, default=3600.0, help="exit after this many seconds (default 3600)")
    args = parser.parse_args()

    if not (args.host.startswith("127.") or args.host in ("::1", "localhost")):
        parser.error("--host must be a loopback address")

    connections: set[asyncio.Task] = set()
    server = await asyncio.start_server(make_handler(args.socket, connections), host=args.host, port=args.port)
    port = server.sockets[0].getsockname()[1]
    if args.port_file:
        temporary = f"{args.port_file}.{os.getpid()}"
        with open(temporary, "w", encoding="ascii") as file:
            file.write(f"{port}\n")
        os.replace(temporary, args.port_file)
    print(f"unix_bridge: {args.host}:{port} -> {args.socket}", file=sys.stderr)

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    try:
        await asyncio.wait_for(stop.wait(), timeout=args.lifetime)
    except asyncio.TimeoutError:
        print(f"unix_bridge: lifetime of {args.lifetime:g} s reached; stopping", file=sys.stderr)
    server.close()
    for task in list(connections):
        task.cancel()
    await asyncio.gather(*connections, return_exceptions=True)
    await server.wait_closed()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
