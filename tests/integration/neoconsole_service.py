"""A service directory with service.toml and pharo-sim running its image with NeoConsole on free
loopback ports: what repl/eval/metrics/health/logs talk to in the integration tests."""
import os
import subprocess

from harness import PHARO_SIM, free_port, port_open, wait_until

_RUNTIME_CACHE = {}


def sim_runtime(base_dir):
    """A pharo-sim runtime (Pharo.image & co), made once per directory."""
    rt = os.path.join(base_dir, "runtime")
    if rt not in _RUNTIME_CACHE:
        subprocess.run([PHARO_SIM, "--sim-create-runtime", rt], check=True, capture_output=True, timeout=60)
        _RUNTIME_CACHE[rt] = rt
    return rt


def run_script(telnet_port, metrics_port, log_pattern="logs/server-{1}.log"):
    return f"""(Smalltalk hasClassNamed: #NeoConsoleTelnetServer) ifFalse: [
  Metacello new
    repository: 'github://svenvc/NeoConsole/src';
    baseline: 'NeoConsole';
    load ].
(NeoConsoleTranscript onFileNamed: '{log_pattern}') install.
NeoConsoleTelnetServer startOn: {telnet_port}.
NeoConsoleMetricDelegate startOn: {metrics_port}.
Transcript show: 'shop started'; cr.
"""


class SimService:
    def __init__(self, home, runtime_dir, name="shop", env=None):
        self.home = str(home)
        self.name = name
        self.dir = os.path.join(self.home, name)
        os.makedirs(os.path.join(self.dir, "run"), exist_ok=True)
        os.makedirs(os.path.join(self.dir, "logs"), exist_ok=True)
        self.telnet_port = free_port()
        self.metrics_port = free_port()
        while self.metrics_port == self.telnet_port:
            self.metrics_port = free_port()
        with open(os.path.join(self.dir, "service.toml"), "w") as f:
            f.write(f'name = "{name}"\nruntime = "sim"\n\n[console]\ntelnet_port = {self.telnet_port}\n'
                    f'metrics_port = {self.metrics_port}\n\n[health]\ntimeout = "2s"\n')
        self.script = os.path.join(self.dir, "run", f"run-{name}.st")
        with open(self.script, "w") as f:
            f.write(run_script(self.telnet_port, self.metrics_port))
        self.image = os.path.join(runtime_dir, "Pharo.image")
        self.env = dict(os.environ)
        self.env.update(env or {})
        self.proc = None

    def start(self):
        self.stdout = open(os.path.join(self.dir, "vm.out"), "wb")
        self.proc = subprocess.Popen([PHARO_SIM, "--headless", self.image, "st", self.script], cwd=self.dir,
                                     env=self.env, stdout=self.stdout, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        wait_until(lambda: self.proc.poll() is not None or (port_open(self.telnet_port) and port_open(self.metrics_port)),
                   timeout=20, what="pharo-sim's console ports")
        assert self.proc.poll() is None, open(os.path.join(self.dir, "vm.out")).read()
        return self

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        if self.proc:
            self.stdout.close()
        self.proc = None
