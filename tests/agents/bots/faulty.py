"""A test bot that plays passively (pass, reject, done) around one fault.

    python faulty.py MODE [ARG] [--log FILE]

MODE:
  fork MARKER      start a grandchild (a sleeping Python with MARKER in its argv), then play
  fork-crash MARKER  start such a grandchild, then exit on its first turn
  slow-start S     sleep S seconds before reading anything, then answer at once
  long-line N      on its Nth turn, print a 5 MiB line instead of an answer
  stderr-escapes   write terminal escape sequences to stderr, then exit on its first turn
  reply-escapes    answer its first turn with a line holding escape sequences
--log appends every message received (its type, one per line) to FILE.
"""

import json
import subprocess
import sys
import time

ESCAPES = "\x1b[2J\x1b]0;owned\x07\x1b[31mred\x9b1m"


def passive(msg):
    me = msg["player"]
    for verb in ("pass", "reject", "done"):
        if f"{me} {verb}" in msg["legal"]:
            return f"{me} {verb}"
    return f"{me} done"


def main():
    mode = sys.argv[1]
    arg = sys.argv[2] if len(sys.argv) > 2 and not sys.argv[2].startswith("--") else None
    log = sys.argv[sys.argv.index("--log") + 1] if "--log" in sys.argv else None
    if mode in ("fork", "fork-crash"):
        subprocess.Popen(
            [sys.executable, "-c", "import time; time.sleep(300)", arg],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    if mode == "slow-start":
        time.sleep(float(arg))
    turns = 0
    for line in sys.stdin:
        msg = json.loads(line)
        if log:
            with open(log, "a", encoding="utf-8") as f:
                f.write(msg["type"] + "\n")
        if msg["type"] != "turn":
            continue
        turns += 1
        if mode == "fork-crash":
            sys.exit(3)
        if mode == "long-line" and turns == int(arg):
            sys.stdout.write("x" * (5 * 1024 * 1024) + "\n")
            sys.stdout.flush()
            continue
        if mode == "stderr-escapes" and turns == 1:
            print("about to fail " + ESCAPES, file=sys.stderr, flush=True)
            sys.exit(4)
        if mode == "reply-escapes" and turns == 1:
            print("not json " + ESCAPES, flush=True)
            continue
        print(json.dumps({"id": msg["id"], "action": passive(msg)}), flush=True)


if __name__ == "__main__":
    main()
