"""The installation a bench times, made ready as a user's would be."""

from __future__ import annotations

import subprocess
from pathlib import Path

FOLDERS = ("fanzha", "campaigns", "segments", "content", "renderer", "delivery")
WHERE = "import fanzha, os; print(os.path.dirname(os.path.realpath(fanzha.__file__)))"


def compiled(fanzha: str) -> str:
    """Byte-compile the fanzha sources of the installation whose console script is ``fanzha``
    and return the script: `./dev` does this after installing, so a user's commands never
    compile the ~300 modules themselves, even where PYTHONDONTWRITEBYTECODE is set."""
    python = str(Path(fanzha).with_name("python"))
    done = subprocess.run([python, "-c", WHERE], capture_output=True, text=True, check=True)
    root = Path(done.stdout.strip()).parent
    # the package's subfolders are symlinks to the top-level folders, which compileall skips
    folders = [str(root / d) for d in FOLDERS if (root / d).is_dir()]
    subprocess.run([python, "-m", "compileall", "-q", "-j", "0", *folders], capture_output=True)
    return fanzha
