"""The real meshdeckd for the OpenAPI checks: started on port 0 in a temporary data directory, or
an already running one given by its URL and token."""

import http.client
import json
import os
import select
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.parse


class Backend:
    def __init__(self, meshdeckd=None, url=None, token=None, extra_args=()):
        self.url = url.rstrip("/") if url else None
        self.token = token
        self._binary = meshdeckd
        self._extra_args = list(extra_args)
        self._process = None
        self._data_dir = None

    def __enter__(self):
        if self.url is None:
            self._start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def _start(self, timeout=15.0):
        if not self._binary or not os.access(self._binary, os.X_OK):
            raise SystemExit(f"no meshdeckd at {self._binary!r}; pass --meshdeckd or --url")
        self._data_dir = tempfile.mkdtemp(prefix="meshdeck-openapi-")
        self._process = subprocess.Popen(
            [self._binary, "--data-dir", self._data_dir, "--listen", "127.0.0.1:0",
             "--log-level", "warning", *self._extra_args],
            stdout=subprocess.PIPE, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        line = b""
        while not line.endswith(b"\n"):
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self._process.poll() is not None:
                self.stop()
                raise SystemExit("meshdeckd did not print its ready line")
            ready, _, _ = select.select([self._process.stdout], [], [], remaining)
            if ready:
                chunk = os.read(self._process.stdout.fileno(), 4096)
                if not chunk:
                    continue
                line += chunk
        ready = json.loads(line.split(b"\n", 1)[0])
        if not ready.get("ready"):
            self.stop()
            raise SystemExit(f"meshdeckd is not ready: {ready}")
        self.url = ready["url"].rstrip("/")
        with open(ready["adminTokenFile"], encoding="utf-8") as f:
            self.token = f.read().strip()

    def stop(self):
        if self._process is not None and self._process.poll() is None:
            self._process.send_signal(signal.SIGTERM)
            try:
                self._process.wait(15)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(5)
        self._process = None
        if self._data_dir:
            shutil.rmtree(self._data_dir, ignore_errors=True)
            self._data_dir = None

    def request(self, method, path, body=None, headers=None, authenticate=True, timeout=15.0):
        """One request on a fresh connection; returns (status, lower-cased headers, body bytes)."""
        parts = urllib.parse.urlsplit(self.url)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
        sent = dict(headers or {})
        if authenticate and self.token:
            sent.setdefault("Authorization", f"Bearer {self.token}")
        data = None
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            sent.setdefault("Content-Type", "application/json")
        try:
            connection.request(method, path, body=data, headers=sent)
            response = connection.getresponse()
            payload = response.read()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, payload
        finally:
            connection.close()

    def json(self, method, path, body=None):
        status, _, payload = self.request(method, path, body)
        return status, (json.loads(payload) if payload else None)

    def document(self):
        status, _, payload = self.request("GET", "/v1/openapi.json")
        if status != 200:
            raise SystemExit(f"GET /v1/openapi.json answered {status}: {payload[:300]!r}")
        return json.loads(payload)
