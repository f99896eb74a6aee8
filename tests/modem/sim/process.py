"""Running `tokusoku sim` as a separate process, as users do."""
import subprocess
import sys


def start_sim(*args, cwd=None):
    process = subprocess.Popen([sys.executable, "-m", "appliance.cli", "sim", *args],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cwd)
    lines = []
    while not lines or not lines[-1].startswith("control"):
        line = process.stdout.readline()
        if not line:
            raise AssertionError(f"tokusoku sim ended: {process.stderr.read()}")
        lines.append(line.rstrip("\n"))
    return process, lines
