#!/usr/bin/env python3
"""A TCP proxy on loopback that adds a fixed delay to each direction, as a network would.

    latency_proxy.py --upstream HOST:PORT --delay-ms D --port-file F

Listens on a free loopback port (written to F). Every chunk read from either side is written to
the other side D milliseconds after it arrived, in order, so a request/answer round trip costs
2*D more than on loopback; bandwidth is not limited. Stops on SIGTERM or SIGKILL.
(`tc netem` is not available here.)
"""
import argparse, asyncio, os, time


async def pipe(reader, writer, delay):
    queue = asyncio.Queue()

    async def pump():
        while True:
            due, data = await queue.get()
            if data is None:
                break
            wait = due - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            writer.write(data)
            await writer.drain()
        try:
            writer.write_eof()
        except (OSError, RuntimeError):
            pass

    task = asyncio.ensure_future(pump())
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            queue.put_nowait((time.monotonic() + delay, data))
    except (ConnectionError, OSError):
        pass
    queue.put_nowait((0, None))
    try:
        await task
    except (ConnectionError, OSError):
        pass


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--upstream", required=True)
    ap.add_argument("--delay-ms", type=float, required=True)
    ap.add_argument("--port-file", required=True)
    args = ap.parse_args()
    host, port = args.upstream.rsplit(":", 1)
    delay = args.delay_ms / 1000.0

    async def handle(client_reader, client_writer):
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(host, int(port))
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(pipe(client_reader, upstream_writer, delay), pipe(upstream_reader, client_writer, delay))
        for w in (client_writer, upstream_writer):
            try:
                w.close()
            except OSError:
                pass

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(server.sockets[0].getsockname()[1]))
    os.rename(args.port_file + ".tmp", args.port_file)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
