#!/usr/bin/env python3
"""The conformance checker's own test: on a small document with nullable fields and $refs it
accepts matching responses and reports each kind of mismatch. No backend needed."""

import sys

import conformance


class FakeBackend:
    url = "http://127.0.0.1:1"
    token = "t"

    def __init__(self, answers):
        self.answers = answers  # (METHOD, path) -> (status, content type, body bytes)

    def request(self, method, path, body=None, headers=None, authenticate=True):
        status, content_type, payload = self.answers[(method, path.split("?")[0])]
        return status, {"content-type": content_type} if content_type else {}, payload


DOCUMENT = {
    "openapi": "3.0.3",
    "paths": {
        "/things/{id}": {
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "get": {"responses": {
                "200": {"description": "a thing", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Thing"}}}},
                "default": {"$ref": "#/components/responses/Problem"}}},
            "put": {"requestBody": {"content": {"application/json": {"schema": {
                        "type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}}}},
                    "responses": {"204": {"description": "stored"}}},
        },
        "/bare": {"get": {"responses": {"200": {"description": "no schema",
                                                "content": {"application/json": {}}}}}},
        "/never": {"get": {"responses": {"200": {"description": "never called"}}}},
    },
    "components": {
        "schemas": {
            "Thing": {"type": "object", "required": ["name", "parent"], "properties": {
                "name": {"type": "string"},
                "parent": {"type": "string", "nullable": True},
                "child": {"allOf": [{"$ref": "#/components/schemas/Child"}], "nullable": True}}},
            "Child": {"type": "object", "required": ["n"], "properties": {"n": {"type": "integer", "minimum": 0}}},
            "Problem": {"type": "object", "required": ["status"], "properties": {"status": {"type": "integer"}}},
        },
        "responses": {"Problem": {"description": "a problem", "content": {"application/problem+json": {
            "schema": {"$ref": "#/components/schemas/Problem"}}}}},
    },
}


def check(answers, calls, strict_properties=False):
    backend = FakeBackend(answers)
    c = conformance.Conformance(backend, DOCUMENT, strict_properties)
    for call in calls:
        c.call(*call[:2], **call[2])
    return c


def main():
    problems = []

    def expect(name, c, fragments):
        text = "\n".join(c.failures)
        for fragment in fragments:
            if fragment not in text:
                problems.append(f"{name}: expected a failure containing {fragment!r}, got:\n{text or '(none)'}")
        if not fragments and c.failures:
            problems.append(f"{name}: expected no failure, got:\n{text}")

    good = b'{"name":"a","parent":null,"child":{"n":1}}'
    c = check({("GET", "/things/1"): (200, "application/json", good),
               ("GET", "/things/2"): (404, "application/problem+json", b'{"status":404}'),
               ("PUT", "/things/1"): (204, None, b"")},
              [("GET", "/things/{id}", {"params": {"id": 1}}), ("GET", "/things/{id}", {"params": {"id": 2}}),
               ("PUT", "/things/{id}", {"params": {"id": 1}, "body": {"name": "x"}})])
    expect("matching answers, nullable fields and $refs", c, [])

    c = check({("GET", "/things/1"): (200, "application/json", b'{"name":1,"parent":null,"child":{"n":-1}}')},
              [("GET", "/things/{id}", {"params": {"id": 1}})])
    expect("schema mismatches", c, ["name: 1 is not of type 'string'", "child/n: -1 is less than the minimum of 0"])

    c = check({("GET", "/things/1"): (200, "application/json", b'{"name":"a"}')},
              [("GET", "/things/{id}", {"params": {"id": 1}})])
    expect("a required nullable field missing", c, ["'parent' is a required property"])

    c = check({("GET", "/things/1"): (201, "application/json", good),
               ("GET", "/things/3"): (500, "text/html", b"<p>")},
              [("GET", "/things/{id}", {"params": {"id": 1}}), ("GET", "/things/{id}", {"params": {"id": 3}})])
    expect("undeclared status and media type", c, ["status 201 is not declared", "answers 'text/html'"])

    extra = b'{"name":"a","parent":"p","undocumented":1}'
    c = check({("GET", "/things/1"): (200, "application/json", extra)}, [("GET", "/things/{id}", {"params": {"id": 1}})])
    expect("an undocumented field, not strict", c, [])
    c = check({("GET", "/things/1"): (200, "application/json", extra)}, [("GET", "/things/{id}", {"params": {"id": 1}})],
              strict_properties=True)
    expect("an undocumented field, strict", c, ["'undocumented' was unexpected"])

    c = check({("GET", "/bare"): (200, "application/json", b"{}")}, [("GET", "/bare", {})])
    expect("a JSON response without a schema", c, ["200 application/json has no schema"])

    c = check({("PUT", "/things/1"): (204, None, b"")},
              [("PUT", "/things/{id}", {"params": {"id": 1}, "body": {"title": "x"}, "query": {"q": 1}})])
    expect("request body and query", c, ["does not match the requestBody schema", "query parameter 'q'"])

    c = check({("GET", "/nowhere"): (200, "application/json", b"{}")}, [("GET", "/nowhere", {})])
    c.report_unexercised()
    expect("undescribed and unexercised operations", c,
           ["does not describe it", "GET /never: the document lists this operation, but no fixture"])

    c = check({("GET", "/things/1"): (200, "application/json", good)},
              [("GET", "/things/{id}", {"params": {"id": 1}, "expect": 201})])
    expect("a fixture step that goes wrong", c, ["the fixture needs 201"])

    for p in problems:
        print(f"SELFTEST FAIL {p}")
    print(f"openapi conformance self-test: {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
