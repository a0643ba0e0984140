"""Load of the room server: 6 rooms x 4 clients on loopback for a whole game each.

Starts ``tradegame host with-china --rooms 6`` (every seat human) as a subprocess, joins the
24 seats with websocket clients in this process, and plays every game to its end with each
client choosing a random legal move as soon as it gets its turn. Reports the latency from a
move being sent to each client of its room receiving the new state (median, 95th percentile,
slowest; and the same for "every client of the room has it"), moves per second, and the
server's memory (resident set now and at its peak, from /proc).

With ``--previews N`` each client first asks N what-if previews (the protocol's
``what_if``, one random legal move each, waiting for each answer) before each move, as a
student clicking *what if?* would; the preview latency (question to answer) and the number
the server refused for its rate limit are reported too.

    .venv/bin/python benchmarks/rooms_load.py [--rooms 6] [--scenario with-china]
        [--previews N] [--json FILE]

Never part of the tests.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
from pydantic_core import from_json


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def memory(pid: int) -> dict[str, float]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024
    return {"rss_mb": round(fields.get("VmRSS", 0), 1), "peak_mb": round(fields.get("VmHWM", 0), 1)}


class Room:
    def __init__(self, size: int) -> None:
        self.size = size
        self.sent: dict[int, float] = {}  # new version -> when its move was sent
        self.got: dict[int, list[float]] = {}
        self.previews: list[float] = []  # seconds from a what_if to its answer
        self.refused_previews = 0


async def seat(session, url, code, room: Room, rng, previews: int = 0):
    async with session.ws_connect(url, max_msg_size=0) as ws:
        await ws.send_json({"type": "join", "code": code})
        moves = 0
        turn: dict | None = None
        left, asked, request = 0, 0.0, 0

        async def ask_or_move() -> None:
            nonlocal left, asked, request, moves
            assert turn is not None
            if left > 0:
                left -= 1
                request += 1
                asked = time.perf_counter()
                action = rng.choice(turn["legal"])
                await ws.send_json(
                    {"type": "what_if", "id": request, "version": turn["id"], "actions": [action]}
                )
                return
            room.sent.setdefault(turn["id"] + 1, time.perf_counter())
            await ws.send_json({"action": rng.choice(turn["legal"]), "id": turn["id"]})
            moves += 1

        async for msg in ws:
            data = from_json(msg.data)
            kind = data["type"]
            now = time.perf_counter()
            if kind == "update" and data["version"] in room.sent:
                room.got.setdefault(data["version"], []).append(now - room.sent[data["version"]])
            elif kind == "turn":
                turn, left = data, previews
                await ask_or_move()
            elif kind == "what_if" and turn is not None and data["id"] == request:
                room.previews.append(now - asked)
                if "too many previews" in str(data.get("error", "")):
                    room.refused_previews += 1
                await ask_or_move()
            elif kind == "end":
                return moves
            elif kind == "refused":
                raise RuntimeError(data["reason"])
    return moves


async def play(
    port: int, codes: dict[int, list[str]], previews: int = 0
) -> tuple[list[Room], int, float]:
    url = f"http://127.0.0.1:{port}/ws"
    rooms = {n: Room(len(c)) for n, c in codes.items()}
    started = time.perf_counter()
    async with aiohttp.ClientSession() as session:
        results = await asyncio.gather(
            *(
                seat(session, url, code, rooms[n], random.Random(f"{n}:{code}"), previews)
                for n, cs in codes.items()
                for code in cs
            )
        )
    return list(rooms.values()), sum(results), time.perf_counter() - started


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rooms", type=int, default=6)
    parser.add_argument("--scenario", default="with-china")
    parser.add_argument("--previews", type=int, default=0, help="what-ifs before each move")
    parser.add_argument("--json", default=None)
    args = parser.parse_args()
    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tradegame",
                "host",
                args.scenario,
                "--rooms",
                str(args.rooms),
                "--port",
                str(port),
                "--dir",
                folder,
                "--seed",
                "1",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert server.stdout is not None  # stdout=PIPE
        try:
            for line in server.stdout:  # wait for the codes
                if "codes.csv" in line:
                    break
            idle = memory(server.pid)
            codes: dict[int, list[str]] = {}
            for row in (Path(folder) / "codes.csv").read_text().splitlines()[1:]:
                room, _, code = row.split(",")
                if room != "all":
                    codes.setdefault(int(room), []).append(code)
            rooms, moves, wall = asyncio.run(play(port, codes, args.previews))
            mem = memory(server.pid)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    each = [t for r in rooms for ts in r.got.values() for t in ts]
    every = [max(ts) for r in rooms for ts in r.got.values() if len(ts) == r.size]

    def ms(x: float) -> float:
        return round(1000 * x, 1)

    report = {
        "rooms": args.rooms,
        "clients": sum(len(c) for c in codes.values()),
        "scenario": args.scenario,
        "human_moves": moves,
        "seconds": round(wall, 1),
        "moves_per_second": round(moves / wall, 1),
        "latency_ms_each_client": {
            "median": ms(statistics.median(each)),
            "p95": ms(percentile(each, 0.95)),
            "max": ms(max(each)),
        },
        "latency_ms_all_clients_of_room": {
            "median": ms(statistics.median(every)),
            "p95": ms(percentile(every, 0.95)),
            "max": ms(max(every)),
        },
        "previews_per_move": args.previews,
        "server_memory_mb": {
            "idle_rss": idle["rss_mb"],
            "end_rss": mem["rss_mb"],
            "peak": mem["peak_mb"],
        },
    }
    asked = [t for r in rooms for t in r.previews]
    if asked:
        report["preview_latency_ms"] = {
            "count": len(asked),
            "median": ms(statistics.median(asked)),
            "p95": ms(percentile(asked, 0.95)),
            "max": ms(max(asked)),
            "refused_for_rate": sum(r.refused_previews for r in rooms),
        }
    print(json.dumps(report, indent=1))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
