"""A test bot: plays passively (pass, reject, done) and misbehaves on its Nth turn.

    python misbehaving.py MODE N [--once FLAGFILE] [--log FILE]

MODE: crash (exit 3), hang (sleep), garbage (not JSON), illegal (a legal-looking move that is
not legal), other-player (a move for another player), nonsense (JSON, but not an action),
silent-exit (close stdout and exit 0), slow-start (sleep before reading anything), none.
N counts this process's turns from 1; 0 means every turn. With --once the bot misbehaves only
if FLAGFILE does not exist yet (and creates it), so a restarted bot behaves. --log appends
every message received (one JSON per line) to FILE.
"""

import json
import os
import sys
import time


def passive(msg):
    me = msg["player"]
    for verb in ("pass", "reject", "done"):
        if f"{me} {verb}" in msg["legal"]:
            return f"{me} {verb}"
    return f"{me} done"


def main():
    mode, nth = sys.argv[1], int(sys.argv[2])
    args = sys.argv[3:]
    once = args[args.index("--once") + 1] if "--once" in args else None
    log = args[args.index("--log") + 1] if "--log" in args else None
    if mode == "slow-start":
        time.sleep(30)
    turns = 0
    for line in sys.stdin:
        if log:
            with open(log, "a", encoding="utf-8") as f:
                f.write(line if line.endswith("\n") else line + "\n")
        msg = json.loads(line)
        if msg["type"] != "turn":
            continue
        turns += 1
        bad = nth == 0 or turns == nth
        if bad and once:
            if os.path.exists(once):
                bad = False
            else:
                open(once, "w").close()
        if bad:
            me = msg["player"]
            if mode == "crash":
                print("crashing on purpose", file=sys.stderr)
                sys.exit(3)
            if mode == "hang":
                time.sleep(60)
            if mode == "silent-exit":
                sys.stdout.close()
                sys.exit(0)
            if mode == "garbage":
                print("this is not json {", flush=True)
                continue
            if mode == "nonsense":
                print(json.dumps({"action": "fly to the moon"}), flush=True)
                continue
            if mode == "illegal":
                move = f"{me} extend 700"  # never legal: too long, and maybe not the holder
                print(json.dumps({"action": move}), flush=True)
                continue
            if mode == "other-player":
                other = next(p for p in msg["view"]["players"] if p["id"] != me)["id"]
                print(json.dumps({"action": f"{other} done"}), flush=True)
                continue
        print(json.dumps({"id": msg["id"], "action": passive(msg)}), flush=True)


if __name__ == "__main__":
    main()
