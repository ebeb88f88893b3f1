#!/usr/bin/env python3
"""OpenAPI conformance: calls every operation of the document a real meshdeckd serves and checks
each real response against it with a JSON Schema validator.

It fails when
  - an operation in the document was not exercised (every operation needs a fixture below),
  - the backend answers a route the document does not describe,
  - a response status is not declared for its operation (a 1xx/2xx/3xx must be declared by its
    own code or range; an error may fall under `default`),
  - a response's media type is not declared, or a JSON response has no schema,
  - a response body does not match its schema,
  - a request body the backend accepted has no `requestBody` or does not match its schema, or a
    query parameter the fixtures use is not declared, or a path parameter is not declared,
  - a fixture step does not get the status it needs (the scenario went wrong).

OpenAPI 3.0 schemas are turned into JSON Schema (draft 4, which 3.0's exclusiveMinimum and
exclusiveMaximum follow): `nullable: true` becomes "or null"; `$ref`s to #/components/... resolve
inside one root schema that carries the whole document's components. 3.1 documents are JSON
Schema 2020-12 already. Formats are not asserted.

  conformance.py --meshdeckd build/ci/bin/meshdeckd
  conformance.py --url http://127.0.0.1:7700 --token "$(cat ~/.local/share/meshdeckd/admin.token)"

Against a running backend, webhook fixtures need it to allow loopback webhook targets.
"""

import argparse
import base64
import http.server
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.parse

try:
    import jsonschema
except ImportError:
    print("openapi conformance: python3-jsonschema is missing; run installer/setup-deps.sh as root",
          file=sys.stderr)
    sys.exit(1)

from backend import Backend

METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


# --- schemas --------------------------------------------------------------------------------------

def openapi30_to_jsonschema(schema, strict_properties=False, in_all_of=False):
    """A JSON Schema (draft 4) equivalent of an OpenAPI 3.0 Schema Object."""
    if isinstance(schema, list):
        return [openapi30_to_jsonschema(s, strict_properties) for s in schema]
    if not isinstance(schema, dict):
        return schema
    if "$ref" in schema:  # siblings of $ref are ignored in 3.0
        return {"$ref": schema["$ref"]}
    out = {}
    for key, value in schema.items():
        if key in ("properties", "patternProperties", "definitions"):
            out[key] = {k: openapi30_to_jsonschema(v, strict_properties) for k, v in value.items()}
        elif key in ("items", "additionalProperties", "not"):
            out[key] = openapi30_to_jsonschema(value, strict_properties)
        elif key == "allOf":
            out[key] = [openapi30_to_jsonschema(v, strict_properties, in_all_of=True) for v in value]
        elif key in ("anyOf", "oneOf"):
            out[key] = [openapi30_to_jsonschema(v, strict_properties) for v in value]
        elif key in ("nullable", "discriminator", "xml", "externalDocs", "example", "deprecated",
                     "readOnly", "writeOnly", "format"):
            continue
        else:
            out[key] = value
    if strict_properties and not in_all_of and "properties" in out and "additionalProperties" not in out:
        out["additionalProperties"] = False
    if schema.get("nullable") is True:
        return {"anyOf": [out, {"type": "null"}]}
    return out


class Schemas:
    def __init__(self, document, strict_properties):
        self.v31 = str(document.get("openapi", "")).startswith("3.1")
        components = document.get("components", {})
        if self.v31:
            self.components = components
            self.validator_class = jsonschema.Draft202012Validator
        else:
            self.components = {
                kind: {name: openapi30_to_jsonschema(s, strict_properties) for name, s in entries.items()}
                if kind == "schemas" else entries
                for kind, entries in components.items()}
            self.validator_class = jsonschema.Draft4Validator
        self.strict_properties = strict_properties

    def errors(self, schema, instance):
        """Validation error messages of instance against an OpenAPI schema (empty: valid)."""
        root = schema if self.v31 else openapi30_to_jsonschema(schema, self.strict_properties)
        root = dict(root) if isinstance(root, dict) else {"allOf": [root]}
        if "$ref" in root:  # draft 4 ignores siblings of $ref, the components among them
            root = {"allOf": [root]}
        root["components"] = self.components
        if self.v31:
            root.setdefault("$schema", "https://json-schema.org/draft/2020-12/schema")
        validator = self.validator_class(root)
        out = []
        for e in sorted(validator.iter_errors(instance), key=lambda e: [str(p) for p in e.absolute_path]):
            text = f"{'/'.join(str(p) for p in e.absolute_path) or '(root)'}: {e.message}"
            if e.context:  # anyOf/oneOf (nullable among them): say what the closest branch missed
                best = max(e.context, key=lambda sub: len(sub.absolute_path))
                text += f" (closest: {'/'.join(str(p) for p in best.absolute_path) or '(root)'}: {best.message})"
            out.append(text)
        return out


def resolve(document, node):
    """Follows a local $ref (#/components/...) of a non-schema object."""
    seen = 0
    while isinstance(node, dict) and "$ref" in node and seen < 20:
        ref = node["$ref"]
        if not ref.startswith("#/"):
            raise ValueError(f"only local references are supported: {ref}")
        node = document
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        seen += 1
    return node


# --- a webhook receiver ---------------------------------------------------------------------------

class Receiver(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        self.received = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(handler):
                length = int(handler.headers.get("Content-Length", 0))
                self.received.append(handler.rfile.read(length))
                handler.send_response(200)
                handler.send_header("Content-Length", "2")
                handler.end_headers()
                handler.wfile.write(b"ok")

            def log_message(handler, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    @property
    def port(self):
        return self.server_address[1]

    def close(self):
        self.shutdown()
        self.server_close()


# --- the checker ----------------------------------------------------------------------------------

class Conformance:
    def __init__(self, backend, document, strict_properties=False, verbose=False):
        self.backend = backend
        self.document = document
        self.schemas = Schemas(document, strict_properties)
        self.verbose = verbose
        self.failures = []
        self.responses_checked = 0
        self.operations = {}  # (METHOD, template) -> operation object (with path-item parameters)
        for template, item in document.get("paths", {}).items():
            item = resolve(document, item)
            for method in METHODS:
                if method in item:
                    op = dict(resolve(document, item[method]))
                    op["_parameters"] = [resolve(document, p) for p in
                                         item.get("parameters", []) + op.get("parameters", [])]
                    self.operations[(method.upper(), template)] = op
        self.exercised = {}  # (METHOD, template) -> sorted statuses seen

    def fail(self, where, message):
        text = f"{where}: {message}"
        if text not in self.failures:  # the same problem from another call is not news
            self.failures.append(text)
            print(f"FAIL {text}", flush=True)

    # A static check: every {name} of a template is declared as a path parameter.
    def check_path_parameters(self):
        for (method, template), op in self.operations.items():
            declared = {p.get("name") for p in op["_parameters"] if p.get("in") == "path"}
            for name in re.findall(r"{([^}]+)}", template):
                if name not in declared:
                    self.fail(f"{method} {template}", f"path parameter '{name}' is not declared")

    def call(self, method, template, params=None, query=None, body=None, raw_body=None, expect=None,
             authenticate=True, headers=None):
        """Calls one operation and checks the exchange; returns (status, parsed JSON or None)."""
        where = f"{method} {template}"
        path = template
        for name, value in (params or {}).items():
            path = path.replace("{" + name + "}", urllib.parse.quote(str(value), safe=""))
        if query:
            path += "?" + urllib.parse.urlencode(query)
        op = self.operations.get((method, template))
        if op is None:
            self.fail(where, "the backend serves this operation but the document does not describe it")
        data = raw_body if raw_body is not None else (json.dumps(body).encode() if body is not None else None)
        status, response_headers, payload = self.backend.request(method, path, data, headers=headers,
                                                                 authenticate=authenticate)
        self.exercised.setdefault((method, template), set()).add(status)
        if self.verbose:
            print(f"  {method} {path} -> {status}", flush=True)
        if expect is not None and status not in (expect if isinstance(expect, tuple) else (expect,)):
            self.fail(where, f"the fixture needs {expect}, the backend answered {status}: {payload[:300]!r}")
        parsed = None
        content_type = response_headers.get("content-type", "").split(";")[0].strip().lower()
        if payload and is_json(content_type):
            try:
                parsed = json.loads(payload)
            except ValueError as e:
                self.fail(where, f"{status}: the body is not JSON ({e})")
        if op is not None:
            if 200 <= status < 300 and body is not None:
                self.check_request(where, op, body)
            self.check_query(where, op, query)
            self.check_response(where, op, status, content_type, payload, parsed)
        return status, parsed

    def check_request(self, where, op, body):
        request_body = resolve(self.document, op.get("requestBody"))
        if not request_body:
            self.fail(where, "the backend accepted a request body, but the operation declares no requestBody")
            return
        media = request_body.get("content", {}).get("application/json")
        if media is None:
            self.fail(where, "the requestBody declares no application/json content")
            return
        if "schema" not in media:
            self.fail(where, "the application/json requestBody has no schema")
            return
        for error in self.schemas.errors(media["schema"], body):
            self.fail(where, f"a request body the backend accepted does not match the requestBody schema: {error}")

    def check_query(self, where, op, query):
        declared = {p.get("name") for p in op["_parameters"] if p.get("in") == "query"}
        for name in (query or {}):
            if name not in declared:
                self.fail(where, f"query parameter '{name}' is not declared")

    def check_response(self, where, op, status, content_type, payload, parsed):
        self.responses_checked += 1
        responses = op.get("responses", {})
        key = str(status)
        if key in responses:
            declared = responses[key]
        elif f"{key[0]}XX" in responses:
            declared = responses[f"{key[0]}XX"]
        elif status >= 400 and "default" in responses:
            declared = responses["default"]
        else:
            self.fail(where, f"status {status} is not declared (declared: {', '.join(responses) or 'none'})")
            return
        declared = resolve(self.document, declared)
        content = declared.get("content")
        if not payload:
            return
        if not content:
            self.fail(where, f"{status} has a body ({content_type or 'no content type'}), but declares no content")
            return
        media = next((content[k] for k in (content_type, content_type.split("/")[0] + "/*", "*/*")
                      if k in content), None)
        if media is None:
            self.fail(where, f"{status} answers {content_type!r}, but declares only {', '.join(content)}")
            return
        if not is_json(content_type):
            return
        if "schema" not in media:
            self.fail(where, f"{status} {content_type} has no schema")
            return
        if parsed is None:
            return
        for error in self.schemas.errors(media["schema"], parsed):
            self.fail(where, f"{status} {content_type} does not match its schema: {error}")

    def websocket(self, template, authorization, expect):
        """An upgrade request on a raw socket; checks the status (and a problem body) it answers."""
        where = f"GET {template}"
        op = self.operations.get(("GET", template))
        if op is None:
            self.fail(where, "the backend serves this operation but the document does not describe it")
        parts = urllib.parse.urlsplit(self.backend.url)
        request = (f"GET {template} HTTP/1.1\r\nHost: {parts.netloc}\r\nUpgrade: websocket\r\n"
                   f"Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                   f"Sec-WebSocket-Key: {base64.b64encode(os.urandom(16)).decode()}\r\n")
        if authorization:
            request += f"Authorization: {authorization}\r\n"
        with socket.create_connection((parts.hostname, parts.port), timeout=10) as s:
            s.sendall((request + "\r\n").encode())
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
            head, _, rest = data.partition(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            status = int(lines[0].split(" ")[1]) if lines and len(lines[0].split(" ")) > 1 else 0
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            length = int(headers.get("content-length", 0)) if status != 101 else 0
            while len(rest) < length:
                chunk = s.recv(4096)
                if not chunk:
                    break
                rest += chunk
        self.exercised.setdefault(("GET", template), set()).add(status)
        if status != expect:
            self.fail(where, f"the fixture needs {expect}, the backend answered {status}")
        if op is None:
            return
        content_type = headers.get("content-type", "").split(";")[0].strip().lower()
        payload = rest[:length]
        parsed = None
        if payload and is_json(content_type):
            try:
                parsed = json.loads(payload)
            except ValueError as e:
                self.fail(where, f"{status}: the body is not JSON ({e})")
        self.check_response(where, op, status, content_type, payload, parsed)

    def report_unexercised(self):
        for key in sorted(self.operations):
            if key not in self.exercised:
                self.fail(f"{key[0]} {key[1]}", "the document lists this operation, but no fixture exercised it")


def is_json(content_type):
    return content_type == "application/json" or content_type.endswith("+json")


# --- the fixtures: every route, with at least one error answer each where it is cheap ------------

def run_fixtures(c, receiver):
    t = "/v1/events/topics"
    # system
    c.call("GET", "/healthz", expect=200, authenticate=False)
    c.call("GET", "/readyz", expect=200, authenticate=False)
    c.call("GET", "/metrics", expect=200, authenticate=False)
    c.call("GET", "/v1/openapi.json", expect=200)
    c.call("GET", "/v1/system/info", expect=200)
    c.call("GET", "/v1/system/cluster", expect=200)

    # topics and events
    c.call("POST", t, body={"name": "orders", "retention": {"maxAgeSeconds": 86400, "maxBytes": 0}}, expect=201)
    c.call("POST", t, body={"name": "orders"}, expect=409)
    c.call("POST", t, body={"name": "Not A Name"}, expect=400)
    c.call("POST", t, body={"name": "copy"}, expect=201)
    c.call("POST", t, body={"name": "scratch"}, expect=201)
    c.call("GET", t, expect=200)
    c.call("GET", t + "/{topic}", {"topic": "orders"}, expect=200)
    c.call("GET", t + "/{topic}", {"topic": "missing"}, expect=404)
    events = {"events": [
        {"type": "order.created", "key": "o-1", "data": {"total": 42.5, "items": ["a"]},
         "headers": {"trace": "t-1"}},
        {"type": "order.paid", "data": None},
        {"type": "order.shipped", "data": {"carrier": "x"}},
    ]}
    c.call("POST", t + "/{topic}/events", {"topic": "orders"}, body=events, expect=201)
    c.call("POST", t + "/{topic}/events", {"topic": "missing"}, body=events, expect=404)
    c.call("POST", t + "/{topic}/events", {"topic": "orders"}, body={"events": []}, expect=400)
    c.call("GET", t + "/{topic}/events", {"topic": "orders"}, query={"fromOffset": 0, "limit": 10}, expect=200)
    c.call("GET", t + "/{topic}/events", {"topic": "orders"},
           query={"fromTime": "2020-01-01T00:00:00Z", "limit": 1}, expect=200)
    c.call("GET", t + "/{topic}/events", {"topic": "orders"}, query={"limit": 0}, expect=400)
    c.call("GET", t + "/{topic}/events", {"topic": "missing"}, expect=404)
    c.call("POST", t + "/{topic}/replay", {"topic": "orders"},
           body={"fromOffset": 0, "toOffset": 2, "targetTopic": "copy"}, expect=200)
    c.call("POST", t + "/{topic}/replay", {"topic": "orders"},
           body={"fromOffset": 0, "toOffset": 2, "targetTopic": "missing"}, expect=404)
    c.call("POST", t + "/{topic}/replay", {"topic": "orders"}, body={"fromOffset": 2, "toOffset": 1,
                                                                     "targetTopic": "copy"}, expect=400)

    # consumer groups
    g = t + "/{topic}/groups/{group}"
    c.call("POST", g + "/poll", {"topic": "orders", "group": "workers"},
           body={"max": 2, "visibilityTimeoutMs": 60000}, expect=200)
    c.call("POST", g + "/poll", {"topic": "orders", "group": "Bad Group"}, body={}, expect=400)
    c.call("POST", g + "/poll", {"topic": "missing", "group": "workers"}, body={}, expect=404)
    c.call("POST", g + "/commit", {"topic": "orders", "group": "workers"}, body={"offset": 1}, expect=200)
    c.call("POST", g + "/commit", {"topic": "orders", "group": "workers"}, body={"offset": 99}, expect=409)
    c.call("POST", g + "/commit", {"topic": "orders", "group": "never-polled"}, body={"offset": 1},
           expect=404)
    c.call("GET", t + "/{topic}/groups", {"topic": "orders"}, expect=200)
    c.call("GET", t + "/{topic}/groups", {"topic": "missing"}, expect=404)
    c.call("GET", g + "/lag", {"topic": "orders", "group": "workers"}, expect=200)
    c.call("GET", g + "/lag", {"topic": "orders", "group": "workers"}, query={"since": "2020-01-01T00:00:00Z"},
           expect=200)
    c.call("GET", g + "/lag", {"topic": "orders", "group": "workers"}, query={"since": "yesterday"}, expect=400)

    # webhooks, delivered to a receiver on this machine
    w = "/v1/events/webhooks"
    target = f"http://127.0.0.1:{receiver.port}/hook"
    c.call("POST", w, body={"url": "ftp://example.com/x", "topics": ["orders"]}, expect=400)
    # An address literal: nothing is resolved or contacted (the topic does not exist either).
    c.call("POST", w, body={"url": "http://203.0.113.10/x", "topics": ["missing"]}, expect=(400, 404))
    hook = {"url": target, "topics": ["orders"], "types": ["order.created"]}
    # The receiver is on loopback: the backend runs with --allow-private-targets (found in its --help).
    status, created = c.call("POST", w, body=hook, expect=201)
    c.call("POST", w, body=dict(hook, local=True), expect=400)  # no longer a request field
    webhook = (created or {}).get("id", "unknown")
    c.call("GET", w, expect=200)
    c.call("GET", w + "/{id}", {"id": webhook}, expect=200)
    c.call("GET", w + "/{id}", {"id": "no-such-webhook"}, expect=404)
    c.call("POST", w + "/{id}/test", {"id": webhook}, expect=200)
    c.call("POST", w + "/{id}/test", {"id": "no-such-webhook"}, expect=404)
    c.call("POST", t + "/{topic}/events", {"topic": "orders"},
           body={"events": [{"type": "order.created", "data": {"n": 1}}]}, expect=201)
    deadline = time.monotonic() + 10
    while len(receiver.received) < 2 and time.monotonic() < deadline:  # the test and one event
        time.sleep(0.05)
    if len(receiver.received) < 2:
        c.fail("webhooks", f"the receiver got {len(receiver.received)} deliveries, not 2, within 10 s")
    # The event's delivery is logged once the receiver's answer is back: wait for it, so the log's
    # items are validated too.
    while time.monotonic() < deadline:
        status, log = c.backend.json("GET", f"{w}/{webhook}/deliveries")
        if status != 200 or any(d.get("offset", -1) >= 0 for d in (log or {}).get("deliveries", [])):
            break
        time.sleep(0.05)
    c.call("GET", w + "/{id}/deliveries", {"id": webhook}, expect=200)
    c.call("GET", w + "/{id}/deliveries", {"id": "no-such-webhook"}, expect=404)
    c.call("PATCH", w + "/{id}", {"id": webhook}, body={"enabled": False}, expect=200)
    c.call("PATCH", w + "/{id}", {"id": webhook}, body={"enabled": "yes"}, expect=400)
    c.call("PATCH", w + "/{id}", {"id": "no-such-webhook"}, body={"enabled": True}, expect=404)
    c.call("DELETE", w + "/{id}", {"id": webhook}, expect=204)
    c.call("DELETE", w + "/{id}", {"id": webhook}, expect=404)

    # deleting topics, last: the webhook read from "orders"
    c.call("DELETE", t + "/{topic}", {"topic": "scratch"}, expect=204)
    c.call("DELETE", t + "/{topic}", {"topic": "scratch"}, expect=404)
    c.call("DELETE", t + "/{topic}", {"topic": "audit"}, expect=409)

    # registry
    r = "/v1/registry"
    instance = {"address": "127.0.0.1", "port": receiver.port, "version": "1.2.3", "weight": 10,
                "tags": ["conformance"], "metadata": {"zone": "a"}, "check": {"ttlMs": 60000}}
    status, registered = c.call("POST", r + "/services/{service}/instances", {"service": "shop"},
                                body=instance, expect=(200, 201))
    first = (registered or {}).get("id", "unknown")
    status, registered = c.call("POST", r + "/services/{service}/instances", {"service": "shop"},
                                body=dict(instance, port=receiver.port + 1 if receiver.port < 65535 else 1),
                                expect=(200, 201))
    second = (registered or {}).get("id", "unknown")
    c.call("POST", r + "/services/{service}/instances", {"service": "shop"}, body={"address": ""}, expect=400)
    c.call("GET", r + "/services", expect=200)
    c.call("GET", r + "/services/{service}/instances", {"service": "shop"}, expect=200)
    c.call("GET", r + "/services/{service}/instances", {"service": "shop"}, query={"status": "critical"},
           expect=200)
    c.call("GET", r + "/services/{service}/instances", {"service": "shop"}, query={"status": "bogus"}, expect=400)
    c.call("GET", r + "/services/{service}/instances", {"service": "nothing"}, expect=404)
    c.call("GET", r + "/instances/{id}", {"id": first}, expect=200)
    c.call("GET", r + "/instances/{id}", {"id": "no-such-instance"}, expect=404)
    c.call("PUT", r + "/instances/{id}/heartbeat", {"id": first}, body={"status": "passing", "output": "ok",
                                                                         "inFlight": 0}, expect=(200, 204))
    c.call("PUT", r + "/instances/{id}/heartbeat", {"id": first}, body={"bogus": 1}, expect=400)
    c.call("PUT", r + "/instances/{id}/heartbeat", {"id": "no-such-instance"}, body={}, expect=404)
    c.call("PATCH", r + "/instances/{id}", {"id": first}, body={"weight": 5, "tags": ["b"],
                                                                "metadata": {"zone": "b"}}, expect=200)
    c.call("PATCH", r + "/instances/{id}", {"id": first}, body={"weight": -1}, expect=400)
    c.call("PATCH", r + "/instances/{id}", {"id": "no-such-instance"}, body={"weight": 1}, expect=404)
    c.call("GET", r + "/changes", query={"limit": 5}, expect=200)
    c.call("GET", r + "/changes", query={"limit": 0}, expect=400)
    c.call("GET", r + "/stats", expect=200)
    c.call("POST", r + "/instances/{id}/drain", {"id": first}, body={"deadlineMs": 60000}, expect=(200, 202))
    c.call("POST", r + "/instances/{id}/drain", {"id": "no-such-instance"}, body={}, expect=404)
    c.call("DELETE", r + "/instances/{id}", {"id": second}, expect=204)
    c.call("DELETE", r + "/instances/{id}", {"id": second}, expect=404)

    # audit: the calls above are in the log (before/after from the registry and webhooks routes)
    status, page = c.call("GET", "/v1/audit", query={"limit": 2}, expect=200)
    cursor = (page or {}).get("nextCursor")
    if cursor:
        c.call("GET", "/v1/audit", query={"cursor": cursor, "limit": 2}, expect=200)
    c.call("GET", "/v1/audit", query={"action": "drainInstance", "resource": "instance:", "outcome": "ok",
                                      "from": "2000-01-01T00:00:00Z"}, expect=200)
    c.call("GET", "/v1/audit", query={"outcome": "maybe"}, expect=400)
    c.call("GET", "/v1/audit", query={"cursor": "not-a-cursor"}, expect=400)

    # auth: users, sessions, keys, the caller's own account and the simulator, with real answers
    a = "/v1/auth"
    password = "conformance passphrase 1"
    status, user = c.call("POST", a + "/users", body={"email": "alex@example.test", "name": "Conf",
                                                     "password": password, "role": "developer"}, expect=201)
    c.call("POST", a + "/users", body={"email": "ALEX@example.test", "name": "Conf", "password": password,
                                       "role": "developer"}, expect=409)
    c.call("POST", a + "/users", body={"email": "weak@example.test", "name": "W", "password": "short",
                                       "role": "user"}, expect=400)
    uid = (user or {}).get("id", "x")
    c.call("GET", a + "/users", query={"q": "alex", "role": "developer", "status": "active"}, expect=200)
    c.call("GET", a + "/users", query={"role": "king"}, expect=400)
    c.call("GET", a + "/users/{userId}", {"userId": uid}, expect=200)
    c.call("GET", a + "/users/{userId}", {"userId": "no-such-user"}, expect=404)
    c.call("PATCH", a + "/users/{userId}", {"userId": uid}, body={"name": "Conformance"}, expect=200)
    c.call("POST", a + "/sessions", body={"email": "alex@example.test", "password": "wrong wrong wrong"},
           expect=401, authenticate=False)
    status, signed = c.call("POST", a + "/sessions", body={"email": "alex@example.test", "password": password},
                            expect=201, authenticate=False)
    signed = signed or {}
    bearer = {"Authorization": "Bearer " + signed.get("accessToken", "")}
    status, renewed = c.call("POST", a + "/sessions/refresh", body={"refreshToken": signed.get("refreshToken", "")},
                             expect=200, authenticate=False)
    c.call("POST", a + "/sessions/refresh", body={"refreshToken": "mdr_not-a-token"}, expect=401,
           authenticate=False)
    bearer = {"Authorization": "Bearer " + (renewed or {}).get("accessToken", "")}
    c.call("GET", a + "/me", expect=200, headers=bearer)
    c.call("GET", a + "/me", expect=200)
    c.call("PATCH", a + "/me", body={"name": "Conf again"}, expect=200, headers=bearer)
    c.call("POST", a + "/me/password", body={"currentPassword": "wrong wrong wrong", "password": password + "x"},
           expect=400, headers=bearer)
    c.call("GET", a + "/sessions", expect=200, headers=bearer)
    c.call("GET", a + "/users/{userId}/sessions", {"userId": uid}, expect=200)
    status, key = c.call("POST", a + "/keys", body={"name": "conf", "scopes": ["registry.read"]}, expect=201,
                         headers=bearer)
    c.call("POST", a + "/keys", body={"name": "too wide", "scopes": ["auth.users.write"]}, expect=403,
           headers=bearer)
    c.call("GET", a + "/keys", expect=200, headers=bearer)
    c.call("GET", "/v1/access/permissions", expect=200)
    c.call("POST", "/v1/access/simulate", body={"principal": {"userId": uid}, "action": "registry.write"},
           expect=200)
    c.call("POST", "/v1/access/simulate", body={"principal": {"keyId": (key or {}).get("apiKey", {}).get("id", "x")},
                                                "action": "events.read"}, expect=200)
    c.call("POST", "/v1/access/simulate", body={"principal": {"userId": uid}, "action": "no.such"}, expect=400)
    c.call("DELETE", a + "/keys/{keyId}", {"keyId": (key or {}).get("apiKey", {}).get("id", "x")}, expect=204,
           headers=bearer)
    c.call("DELETE", a + "/keys/{keyId}", {"keyId": "no-such-key"}, expect=404, headers=bearer)
    c.call("POST", a + "/users/{userId}/password", {"userId": uid}, body={"password": password + "!"}, expect=204)
    c.call("DELETE", a + "/users/{userId}/sessions", {"userId": uid}, expect=204)
    c.call("GET", a + "/me", expect=401, headers=bearer)

    # presence: everyone, some users, and a choice the admin token (nobody's presence) cannot make
    c.call("GET", "/v1/presence", expect=200)
    c.call("GET", "/v1/presence", query={"users": uid + ",no-such-user"}, expect=200)
    c.call("POST", "/v1/presence", body={"status": "away"}, expect=409)
    c.call("POST", "/v1/presence", body={"status": "busy"}, expect=400)

    # realtime: the upgrade itself (the WebSocket protocol is not HTTP and has no schema here)
    c.websocket("/v1/realtime", f"Bearer {c.backend.token}", 101)
    c.websocket("/v1/realtime", "Bearer wrong-token", 401)
    c.call("GET", "/v1/realtime", expect=426)


def chat_fixtures(c):
    """Chat: a user's room (read marks and typing need a participant), the admin token's reads."""
    password = "conformance passphrase 9"
    status, user = c.call("POST", "/v1/auth/users", body={"email": "talker@example.test", "name": "Chat",
                                                         "password": password, "role": "user"}, expect=201)
    uid = (user or {}).get("id", "x")
    status, signed = c.call("POST", "/v1/auth/sessions", body={"email": "talker@example.test", "password": password},
                            expect=201, authenticate=False)
    bearer = {"Authorization": "Bearer " + (signed or {}).get("accessToken", "")}
    r = "/v1/chat/rooms"
    status, room = c.call("POST", r, body={"type": "group", "name": "ops", "topic": "t", "private": False},
                          headers=bearer, expect=201)
    rid = (room or {}).get("id", "room_x")
    c.call("POST", r, body={"type": "group", "name": ""}, headers=bearer, expect=400)
    c.call("POST", r, body={"type": "direct", "participants": [uid]}, expect=400)  # the admin token is no user
    status, private = c.call("POST", r, body={"type": "group", "name": "secret", "private": True,
                                              "participants": [uid]}, expect=201)
    pid = (private or {}).get("id", "room_y")
    c.call("GET", r, query={"limit": 10}, expect=200)
    c.call("GET", r, query={"cursor": "bad"}, expect=400)
    c.call("GET", r + "/{roomId}", {"roomId": rid}, expect=200)
    c.call("GET", r + "/{roomId}", {"roomId": "room_missing"}, expect=404)
    c.call("PATCH", r + "/{roomId}", {"roomId": rid}, body={"topic": "new topic"}, expect=200)
    m = r + "/{roomId}/messages"
    status, sent = c.call("POST", m, {"roomId": rid}, body={"text": "Grüße aus der Straße", "idempotencyKey": "k1"},
                          headers=bearer, expect=201)
    mid = (sent or {}).get("id", "msg_x")
    c.call("POST", m, {"roomId": rid}, body={"text": "Grüße aus der Straße", "idempotencyKey": "k1"},
           headers=bearer, expect=200)
    c.call("POST", m, {"roomId": rid}, body={"text": "   "}, headers=bearer, expect=400)
    c.call("POST", m, {"roomId": rid}, body={"text": "a reply", "replyTo": mid}, headers=bearer, expect=201)
    c.call("GET", m, {"roomId": rid}, query={"limit": 1}, expect=200)
    c.call("GET", m, {"roomId": rid}, query={"around": mid}, expect=200)
    c.call("GET", m, {"roomId": rid}, query={"before": "x"}, expect=400)
    c.call("GET", m, {"roomId": pid}, expect=403)
    c.call("GET", m, {"roomId": pid}, query={"reason": "conformance"}, expect=200)
    one = m + "/{messageId}"
    c.call("PATCH", one, {"roomId": rid, "messageId": mid}, body={"text": "Grüße, edited"}, headers=bearer,
           expect=200)
    c.call("PATCH", one, {"roomId": rid, "messageId": mid}, body={"text": "not mine"}, expect=403)
    c.call("GET", one + "/edits", {"roomId": rid, "messageId": mid}, expect=200)
    c.call("GET", one + "/edits", {"roomId": rid, "messageId": "msg_missing"}, expect=404)
    c.call("POST", r + "/{roomId}/read", {"roomId": rid}, body={"messageId": mid}, headers=bearer, expect=200)
    c.call("POST", r + "/{roomId}/read", {"roomId": rid}, body={"messageId": mid}, expect=403)
    c.call("POST", r + "/{roomId}/typing", {"roomId": rid}, body={}, headers=bearer, expect=202)
    c.call("POST", r + "/{roomId}/typing", {"roomId": "room_missing"}, body={}, headers=bearer, expect=404)
    c.call("GET", "/v1/chat/search", query={"q": "strasse", "limit": 5}, expect=200)
    c.call("GET", "/v1/chat/search", query={"q": "s"}, expect=400)
    c.call("GET", "/v1/chat/search", query={"q": "grusse", "room": rid}, headers=bearer, expect=200)
    c.call("GET", r + "/{roomId}/support-reads", {"roomId": pid}, expect=200)
    c.call("GET", r + "/{roomId}/support-reads", {"roomId": rid}, headers=bearer, expect=200)
    p = r + "/{roomId}/participants"
    status, other = c.call("POST", "/v1/auth/users", body={"email": "listener@example.test", "name": "Chat Two",
                                                          "password": password, "role": "user"}, expect=201)
    oid = (other or {}).get("id", "y")
    c.call("POST", p, {"roomId": rid}, body={"userId": oid}, headers=bearer, expect=201)
    c.call("POST", p, {"roomId": rid}, body={"userId": oid}, headers=bearer, expect=409)
    c.call("POST", p, {"roomId": rid}, body={"userId": "no-such-user"}, headers=bearer, expect=400)
    c.call("PATCH", p + "/{userId}", {"roomId": rid, "userId": oid}, body={"role": "moderator"}, headers=bearer,
           expect=200)
    c.call("PATCH", p + "/{userId}", {"roomId": rid, "userId": oid}, body={"role": "king"}, headers=bearer,
           expect=400)
    c.call("DELETE", p + "/{userId}", {"roomId": rid, "userId": oid}, headers=bearer, expect=200)
    c.call("DELETE", p + "/{userId}", {"roomId": rid, "userId": oid}, headers=bearer, expect=404)
    c.call("DELETE", one, {"roomId": rid, "messageId": mid}, headers=bearer, expect=200)
    c.call("DELETE", one, {"roomId": rid, "messageId": "msg_missing"}, headers=bearer, expect=404)
    c.call("DELETE", r + "/{roomId}", {"roomId": pid}, expect=204)
    c.call("DELETE", r + "/{roomId}", {"roomId": pid}, expect=404)


def chat_extras_fixtures(c):
    """Chat invitations (QR codes, accept, revoke) and reports, as a room owner and the admin token."""
    password = "conformance passphrase 10"
    bearers = {}
    for name in ("host", "guest", "outsider"):
        c.call("POST", "/v1/auth/users", body={"email": name + "@example.test", "name": name.title(),
                                              "password": password, "role": "user"}, expect=201)
        status, signed = c.call("POST", "/v1/auth/sessions", body={"email": name + "@example.test",
                                                                   "password": password},
                                expect=201, authenticate=False)
        bearers[name] = {"Authorization": "Bearer " + (signed or {}).get("accessToken", "")}
    host, guest, outsider = bearers["host"], bearers["guest"], bearers["outsider"]
    status, room = c.call("POST", "/v1/chat/rooms", body={"type": "group", "name": "invited", "private": True},
                          headers=host, expect=201)
    rid = (room or {}).get("id", "room_x")
    inv = "/v1/chat/rooms/{roomId}/invitations"
    status, created = c.call("POST", inv, {"roomId": rid}, body={"expiresInSeconds": 3600, "maxUses": 1},
                             headers=host, expect=201)
    token = (created or {}).get("token", "inv_x")
    c.call("POST", inv, {"roomId": rid}, body={"maxUses": 0}, headers=host, expect=400)
    c.call("POST", inv, {"roomId": rid}, body={}, headers=guest, expect=403)
    c.call("POST", inv, {"roomId": "room_missing"}, body={}, expect=404)
    c.call("GET", inv, {"roomId": rid}, headers=host, expect=200)
    c.call("GET", inv, {"roomId": rid}, headers=guest, expect=404)
    c.call("GET", "/v1/chat/invitations/{token}/qr.svg", {"token": token}, expect=200)
    c.call("GET", "/v1/chat/invitations/{token}/qr.png", {"token": token}, expect=200)
    c.call("GET", "/v1/chat/invitations/{token}/qr.png", {"token": "inv_missing"}, expect=404)
    c.call("GET", "/v1/chat/invitations/{token}/qr.svg", {"token": "inv_missing"}, expect=404)
    accept = "/v1/chat/invitations/{token}/accept"
    c.call("POST", accept, {"token": token}, body={}, headers=guest, expect=200)
    c.call("POST", accept, {"token": token}, body={}, headers=guest, expect=200)
    c.call("POST", accept, {"token": "inv_missing"}, body={}, headers=guest, expect=404)
    c.call("POST", accept, {"token": token}, body={}, expect=409)  # the admin token is no user
    status, second = c.call("POST", inv, {"roomId": rid}, body={}, headers=host, expect=201)
    token2 = (second or {}).get("token", "inv_y")
    one = inv + "/{token}"
    c.call("DELETE", one, {"roomId": rid, "token": token2}, headers=guest, expect=403)
    c.call("DELETE", one, {"roomId": rid, "token": token2}, headers=host, expect=200)
    c.call("DELETE", one, {"roomId": rid, "token": "inv_missing"}, headers=host, expect=404)
    c.call("POST", accept, {"token": token2}, body={}, headers=outsider, expect=410)
    status, sent = c.call("POST", "/v1/chat/rooms/{roomId}/messages", {"roomId": rid}, body={"text": "buy now"},
                          headers=host, expect=201)
    mid = (sent or {}).get("id", "msg_x")
    rep = "/v1/chat/rooms/{roomId}/messages/{messageId}/reports"
    status, report = c.call("POST", rep, {"roomId": rid, "messageId": mid}, body={"reason": "spam"},
                            headers=guest, expect=201)
    report_id = (report or {}).get("id", "rep_x")
    c.call("POST", rep, {"roomId": rid, "messageId": mid}, body={"reason": "spam"}, headers=guest, expect=200)
    c.call("POST", rep, {"roomId": rid, "messageId": mid}, body={"reason": ""}, headers=guest, expect=400)
    c.call("POST", rep, {"roomId": rid, "messageId": mid}, body={"reason": "spam"}, expect=403)
    c.call("POST", rep, {"roomId": rid, "messageId": "msg_missing"}, body={"reason": "spam"}, headers=guest,
           expect=404)
    c.call("GET", "/v1/chat/reports", query={"state": "open"}, expect=200)
    c.call("GET", "/v1/chat/reports", query={"state": "maybe"}, expect=400)
    c.call("GET", "/v1/chat/reports", headers=guest, expect=200)  # a member: only the reports of rooms they own or moderate
    res = "/v1/chat/reports/{reportId}/resolve"
    c.call("POST", res, {"reportId": report_id}, body={}, headers=guest, expect=403)
    c.call("POST", res, {"reportId": report_id}, body={}, expect=200)
    c.call("POST", res, {"reportId": "rep_missing"}, body={}, expect=404)


def unauthenticated_calls(c):
    """Every operation that needs a token, called without one: 401 with a problem document."""
    for (method, template), op in sorted(c.operations.items()):
        security = op.get("security", c.document.get("security", []))
        if not security or any(not requirement for requirement in security):
            continue  # public, or a token is optional
        if template == "/v1/realtime":
            c.websocket(template, None, 401)
            continue
        path = re.sub(r"{([^}]+)}", "x", template)
        body = {} if method in ("POST", "PUT", "PATCH") else None
        status, headers, payload = c.backend.request(method, path, json.dumps(body).encode() if body is not None
                                                     else None, authenticate=False)
        c.exercised.setdefault((method, template), set()).add(status)
        where = f"{method} {template} (no token)"
        if status != 401:
            c.fail(where, f"answered {status}, not 401")
        content_type = headers.get("content-type", "").split(";")[0].strip().lower()
        parsed = None
        if payload and is_json(content_type):
            try:
                parsed = json.loads(payload)
            except ValueError as e:
                c.fail(where, f"the body is not JSON ({e})")
        c.check_response(where, op, status, content_type, payload, parsed)


def local_webhook_args(meshdeckd):
    """The server option that lets webhooks reach loopback (the local stack's), when it has one."""
    try:
        text = subprocess.run([meshdeckd, "--help"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.TimeoutExpired):
        return []
    for line in text.splitlines():
        match = re.match(r"\s*(?:-\w, )?(--[a-z0-9-]+)\s*(<[^>]*>)?", line)
        if match and not match.group(2) and re.search(r"(local|loopback|private)", match.group(1)) \
                and re.search(r"(allow|webhook|ssrf|target)", match.group(1)):
            return [match.group(1)]
    return []


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--meshdeckd", help="the meshdeckd binary to start (port 0, temporary data directory)")
    parser.add_argument("--url", help="an already running backend instead")
    parser.add_argument("--token", help="its admin token (with --url)")
    parser.add_argument("--backend-arg", action="append", default=[],
                        help="an extra meshdeckd argument (repeat); the loopback-webhook option is found by itself")
    parser.add_argument("--strict-properties", action="store_true",
                        help="also fail on response fields an object schema does not list")
    parser.add_argument("--verbose", action="store_true", help="print every call")
    args = parser.parse_args()
    if not args.url and not args.meshdeckd:
        parser.error("give --meshdeckd or --url")

    extra = list(args.backend_arg)
    if args.meshdeckd and not args.url:
        extra += [a for a in local_webhook_args(args.meshdeckd) if a not in extra]
    receiver = Receiver()
    try:
        with Backend(args.meshdeckd, args.url, args.token, extra) as backend:
            document = backend.document()
            c = Conformance(backend, document, args.strict_properties, args.verbose)
            print(f"openapi conformance: {backend.url}, OpenAPI {document.get('openapi')}, "
                  f"{len(c.operations)} operations; backend arguments: {' '.join(extra) or 'none'}", flush=True)
            c.check_path_parameters()
            run_fixtures(c, receiver)
            chat_fixtures(c)
            chat_extras_fixtures(c)
            unauthenticated_calls(c)
            c.report_unexercised()
    finally:
        receiver.close()

    exercised = sum(1 for key in c.operations if key in c.exercised)
    print(f"openapi conformance: {exercised} of {len(c.operations)} operations exercised, "
          f"{c.responses_checked} responses checked, {len(c.failures)} problems")
    if c.failures:
        kinds = {}
        for failure in c.failures:
            message = failure.split(": ", 1)[1]
            kind = re.sub(r"\d{3}|'[^']*'|\{[^}]*\}|\(declared: [^)]*\)|: .*", "…", message)[:90]
            kinds[kind] = kinds.get(kind, 0) + 1
        print("openapi conformance: problems by kind:")
        for kind, count in sorted(kinds.items(), key=lambda item: -item[1]):
            print(f"  {count:4d}  {kind}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
