#!/usr/bin/env python3
"""An HTTP/1.1 proxy on loopback that injects S3 faults between a client and a real S3 server.

    fault_proxy.py --upstream 127.0.0.1:8333 --port-file F --mode absorbable|persistent
                   [--target SUBSTRING] [--stall SECONDS] [--seed N]

It listens on a free loopback port (written to F), forwards each request unchanged (the Host
header too, so SigV4 signatures stay valid) and, for GET requests it picks, answers instead with
one of five faults:

    503 SlowDown   500 InternalError   connection reset   truncated body   body that stalls

absorbable: each distinct GET target fails on its first attempt or two (a ranged GET that resumes
            a read counts with it), then passes: a client with four attempts absorbs them. The
            kinds take turns.
persistent: GETs whose target contains --target always fail; all others pass.

It prints one line per injected fault to stderr, and stops on SIGTERM or SIGKILL.
"""
import argparse, hashlib, socket, socketserver, sys, threading, time, http.client

FAULTS = ["slowdown", "internal", "reset", "truncated", "stall"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--upstream", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--mode", choices=["absorbable", "persistent"], required=True)
    ap.add_argument("--target", default="")
    ap.add_argument("--stall", type=float, default=4.0)
    ap.add_argument("--seed", default="0")
    args = ap.parse_args()
    up_host, up_port = args.upstream.rsplit(":", 1)
    attempts = {}
    rotation = [0]
    lock = threading.Lock()

    def fault_for(method, target, range_header):
        if method != "GET":
            return None
        digest = hashlib.sha256(f"{args.seed} {target}".encode()).digest()
        if args.mode == "persistent":
            if args.target and args.target in target:
                with lock:
                    n = attempts.get(target, 0)
                    attempts[target] = n + 1
                return FAULTS[(digest[0] + n) % len(FAULTS)]
            return None
        key = target  # a resumed (ranged) read counts with the read it resumes
        with lock:
            n = attempts.get(key, 0)
            attempts[key] = n + 1
        failures = 1 + digest[1] % 2  # 1 or 2 failed attempts before one passes
        if n >= failures:
            return None
        with lock:  # the kinds take turns, so that every kind is met in any run of five faults
            rotation[0] += 1
            return FAULTS[rotation[0] % len(FAULTS)]

    class Handler(socketserver.BaseRequestHandler):
        def handle(self):
            conn = self.request
            conn.settimeout(120)
            reader = conn.makefile("rb")
            while True:
                line = reader.readline()
                if not line:
                    return
                method, target, _ = line.decode("latin-1").split(" ", 2)
                headers = []
                length = 0
                range_header = ""
                while True:
                    h = reader.readline()
                    if h in (b"\r\n", b"\n", b""):
                        break
                    name, value = h.decode("latin-1").split(":", 1)
                    headers.append((name.strip(), value.strip()))
                    if name.strip().lower() == "content-length":
                        length = int(value.strip())
                    if name.strip().lower() == "range":
                        range_header = value.strip()
                body = reader.read(length) if length else b""
                fault = fault_for(method, target, range_header)
                if fault:
                    print(f"fault {fault} {method} {target} {range_header}", file=sys.stderr, flush=True)
                if fault == "reset":
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                    conn.close()
                    return
                if fault in ("slowdown", "internal"):
                    code, status = ("SlowDown", "503 Slow Down") if fault == "slowdown" else ("InternalError", "500 Internal Server Error")
                    payload = f"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>injected</Message></Error>".encode()
                    conn.sendall(f"HTTP/1.1 {status}\r\nContent-Type: application/xml\r\nContent-Length: {len(payload)}\r\n\r\n".encode() + payload)
                    continue
                upstream = http.client.HTTPConnection(up_host, int(up_port), timeout=60)
                upstream.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
                for name, value in headers:
                    upstream.putheader(name, value)
                upstream.endheaders(body if body else None)
                response = upstream.getresponse()
                data = response.read()
                upstream.close()
                head = f"HTTP/1.1 {response.status} {response.reason}\r\n"
                for name, value in response.getheaders():
                    if name.lower() in ("content-length", "transfer-encoding", "connection"):
                        continue
                    head += f"{name}: {value}\r\n"
                head += f"Content-Length: {len(data)}\r\n\r\n"
                if fault in ("truncated", "stall") and len(data) > 1:
                    conn.sendall(head.encode() + data[: len(data) // 2])
                    if fault == "stall":
                        time.sleep(args.stall)
                    conn.close()
                    return
                conn.sendall(head.encode() + data)

    class Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
        daemon_threads = True
        allow_reuse_address = True

    server = Server(("127.0.0.1", 0), Handler)
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    import os
    os.rename(args.port_file + ".tmp", args.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
