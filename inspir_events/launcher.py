"""``make run``'s last step: the web server and the mail worker side by side, stopped
together by Ctrl-C (``python -m inspir_events.launcher``).

Each runs in a process of its own, in a process group of its own: ``python wsgi.py``
(the gevent server) and ``flask mail-worker`` (the Huey consumer delivering e-mail). So
Ctrl-C in the terminal reaches the launcher only, which sends each of them one SIGINT
(the server stops; the worker finishes the batches it is sending) and waits for them,
killing what is still running after STOP_TIMEOUT seconds. SIGTERM does the same. When
one of them stops by itself, the other is stopped too and the launcher exits with the
first one's status. It imports nothing of the application: the two processes do.
"""

from __future__ import annotations

import os
import signal
import subprocess  # noqa: S404  # nosec B404 # our two commands: argument lists, no shell
import sys
import time

PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STOP_TIMEOUT = 15.0  # seconds each process has to stop after its SIGINT
POLL = 0.2


def commands() -> dict[str, list[str]]:
    """The two processes: the web server and the mail worker."""
    return {"web server": [sys.executable, "wsgi.py"],
            "mail worker": [sys.executable, "-m", "flask", "mail-worker"]}


def start() -> dict[str, subprocess.Popen]:
    env = dict(os.environ)
    env.setdefault("FLASK_APP", "inspir_events.app")
    # process_group=0: Ctrl-C in the terminal reaches the launcher only.
    return {name: subprocess.Popen(  # noqa: S603  # nosec B603 # fixed argument lists
                command, cwd=PROJECT_ROOT, env=env, process_group=0)
            for name, command in commands().items()}


def stop(children: dict[str, subprocess.Popen]) -> None:
    """One SIGINT to each process still running, then wait; kill the late ones."""
    for child in children.values():
        if child.poll() is None:
            child.send_signal(signal.SIGINT)
    deadline = time.monotonic() + STOP_TIMEOUT
    for name, child in children.items():
        try:
            child.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            print(f"The {name} did not stop in {STOP_TIMEOUT:.0f} s: killed.", flush=True)
            child.kill()
            child.wait()


def main() -> int:
    requested: list[int] = []

    def on_signal(signum, _frame) -> None:
        requested.append(signum)

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    children = start()
    pids = ", ".join(f"{name} (pid {child.pid})" for name, child in children.items())
    print(f"Started: {pids}. Ctrl-C stops both.", flush=True)
    status = 0
    while not requested:
        ended = [(name, child.returncode) for name, child in children.items()
                 if child.poll() is not None]
        if ended:
            name, code = ended[0]
            print(f"The {name} stopped (status {code}): stopping the other.", flush=True)
            status = code or 1
            break
        time.sleep(POLL)
    stop(children)
    print("Stopped: web server and mail worker.", flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
