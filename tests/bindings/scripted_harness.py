"""A harness program for the binding's tests, standard library only. It follows the protocol
unless told otherwise: ``--start MODE`` breaks the handshake; a ``deliver`` whose step names
a misbehaviour performs it (any other step is echoed back, message and attachments, as step
``<step>-echo``); case ``refuse-setup`` / ``setup-outputs`` break ``setup``.

    --log FILE      append every line read and written (``> `` / ``< ``) for schema checks
    --child FILE    start a grandchild (``sleep``) and write "<own pid> <child pid>" to FILE
    --escape        with --child: the grandchild leaves the process group (``setsid``)
    --ignore-stdin  stop reading stdin after the handshake (and never exit on its end)
    --vary FILE     describe itself with another version at every start (counted in FILE)
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

parser = argparse.ArgumentParser()
parser.add_argument("--start", default="ok")
parser.add_argument("--log")
parser.add_argument("--child")
parser.add_argument("--escape", action="store_true")
parser.add_argument("--ignore-stdin", action="store_true")
parser.add_argument("--vary")
args = parser.parse_args()
signal.signal(signal.SIGTERM, signal.SIG_IGN)  # only SIGKILL ends it early
log = open(args.log, "a", encoding="utf-8") if args.log else None  # noqa: SIM115
out = sys.stdout


def write(text: str) -> None:
    out.write(text)
    out.flush()
    if log:
        log.write("< " + text)
        log.flush()


def reply(data: object) -> None:
    write(json.dumps(data) + "\n")


if args.child:
    child = subprocess.Popen(["sleep", "300"], start_new_session=args.escape)
    with open(args.child, "w", encoding="utf-8") as f:
        f.write(f"{os.getpid()} {child.pid}")

DESCRIPTION = {
    "name": "scripted",
    "version": "1.2",
    "language": "python",
    "capabilities": ["MODEL_DELIVERY_NETWORK", "TEST"],
    "homepage": "https://example.com/scripted",
}


if args.vary:
    counted = Path(args.vary)
    starts = int(counted.read_text() or 0) + 1 if counted.exists() else 1
    counted.write_text(str(starts))
    DESCRIPTION["version"] = f"1.{starts}"


def start(line: str) -> None:
    if args.start == "hang":
        time.sleep(300)
    elif args.start == "exit":
        sys.stderr.write("cannot start: no licence\n")
        sys.exit(4)
    elif args.start == "garbage":
        write("Welcome to the harness!\n")
    elif args.start == "version2":
        reply({"version": 2, "implementation": DESCRIPTION})
    elif args.start == "bad-description":
        reply({"version": 1, "implementation": {**DESCRIPTION, "capabilities": "ALL"}})
    else:
        reply({"version": 1, "implementation": DESCRIPTION})


def deliver(command: dict) -> None:
    seq, step = command["seq"], command["step"]
    ok = {"seq": seq, "outputs": []}
    if step == "hang":
        time.sleep(300)
    elif step == "exit":
        sys.stderr.write("fatal: segmentation fault in the IUT\n")
        sys.stderr.flush()
        os._exit(3)
    elif step == "close-stdout":
        os.close(1)
        time.sleep(300)
    elif step == "garbage":
        write("debug: received deliver\n")
    elif step == "nan":
        write(f'{{"seq": {seq}, "outputs": [{{"step": "2", "message": {{"x": NaN}}}}]}}\n')
    elif step == "array":
        reply([seq])
    elif step == "wrong-seq":
        reply({**ok, "seq": seq + 7})
    elif step == "no-seq":
        reply({"outputs": []})
    elif step == "two-kinds":
        reply({**ok, "refused": {"reason": "both"}})
    elif step == "bad-output":
        reply({"seq": seq, "outputs": [{"message": {}}]})
    elif step == "extra-key":
        reply({**ok, "note": "extra"})
    elif step == "big-line":
        reply({"seq": seq, "outputs": [{"step": "2", "message": {"pad": "x" * 200_000}}]})
    elif step == "big-attachment":
        data = base64.b64encode(b"\0" * 60_000).decode()
        reply({"seq": seq, "outputs": [{"step": "2", "message": None, "attachments": {"a": data}}]})
    elif step == "bad-base64":
        attachments = {"a": "not base64!"}
        reply({"seq": seq, "outputs": [{"step": "2", "message": None, "attachments": attachments}]})
    elif step == "bad-name":
        reply({"seq": seq, "outputs": [{"step": "2", "message": None, "attachments": {"a b": ""}}]})
    elif step == "refuse":
        reply({"seq": seq, "refused": {"reason": "step refused: out of order"}})
    elif step == "errored":
        reply({"seq": seq, "errored": {"message": "adapter lost its database", "detail": "tb"}})
    elif step == "stderr-flood":
        for _ in range(80):
            sys.stderr.write("log " * 16384 + "\n")  # 5 MB in all, far beyond a pipe
        reply(ok)
    else:
        output = {"step": f"{step}-echo", "message": command["message"]}
        reply({"seq": seq, "outputs": [{**output, "attachments": command["attachments"]}]})


for line in sys.stdin:
    if log:
        log.write("> " + line)
        log.flush()
    command = json.loads(line)
    kind = command["cmd"]
    if kind == "start":
        start(line)
        if args.ignore_stdin:
            time.sleep(300)
    elif kind == "stop":
        break
    elif kind == "deliver":
        deliver(command)
    elif kind == "setup" and command["case"] == "refuse-setup":
        reply({"seq": command["seq"], "refused": {"reason": "no such state"}})
    elif kind == "setup" and command["case"] == "setup-outputs":
        reply({"seq": command["seq"], "outputs": [{"step": "1", "message": None}]})
    elif kind == "poll":
        reply({"seq": command["seq"], "outputs": [{"step": "polled", "message": {"n": 1}}]})
    else:
        reply({"seq": command["seq"], "outputs": []})
