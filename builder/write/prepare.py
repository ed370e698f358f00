"""Run as a script by `Staging.prepare`, in a process of its own: the folders and empty files of a staging
folder that the build is sure to fill, made while the build's own process reads and checks the desk.

It imports nothing of factsheet (it starts in a few milliseconds) and reads its names from standard input,
separated by NUL bytes: a name ending in "/" is a folder, any other an empty file. A name already there is
left as it is (the render may have come first). It stops at the first other failure (a full disk): whatever
it did not make, the render makes as it writes, and reports then. It stops too as soon as the build that
started it is gone (killed): the next build removes the staging folder it would go on filling.
"""

import os
import sys


def main(folder: str, build: int) -> int:
    flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
    for number, name in enumerate(sys.stdin.buffer.read().decode().split("\0")):
        if not name:
            continue
        if number % 256 == 0 and os.getppid() != build:
            return 3
        parts = name.rstrip("/").split("/")
        if name.startswith("/") or "" in parts or "." in parts or ".." in parts:
            return 2  # never anywhere but inside the staging folder
        path = os.path.join(folder, name)
        try:
            if name.endswith("/"):
                os.mkdir(path)
            else:
                os.close(os.open(path, flags, 0o644))  # no O_TRUNC: a page already written stays as it is
        except FileExistsError:
            pass
        except OSError:
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2])))
