#!/usr/bin/env python3
"""Validates a JSON response body against api/openapi.yaml.

Usage: validate.py OPENAPI_YAML PATH_TEMPLATE STATUS < body.json
e.g.   validate.py api/openapi.yaml /v1/search 200 < response.json
Resolves the operation's response for STATUS (following $ref), then validates the body with JSON Schema
2020-12 (the dialect of OpenAPI 3.1), with $refs resolved against the whole document. Exit 0 when valid.
"""
import json
import sys

import jsonschema
import yaml


def pointer(*parts):
    return "#/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


def resolve(doc, node):
    while isinstance(node, dict) and "$ref" in node:
        target = doc
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    spec_path, path, status = sys.argv[1:]
    with open(spec_path, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    operation = doc["paths"].get(path, {}).get("get")
    if operation is None:
        print(f"validate: no GET {path} in {spec_path}", file=sys.stderr)
        return 2
    response = operation["responses"].get(status)
    if response is None:
        print(f"validate: GET {path} does not document status {status}", file=sys.stderr)
        return 1
    response = resolve(doc, response)
    content = response.get("content", {}).get("application/json")
    if content is None:
        print(f"validate: GET {path} {status} has no application/json schema", file=sys.stderr)
        return 2
    body = json.load(sys.stdin)
    # The whole document is the root so that "#/components/..." references resolve.
    root = {k: v for k, v in doc.items()}
    root["$ref"] = pointer("paths", path, "get", "responses", status) + "/content/application~1json/schema"
    if "$ref" in operation["responses"][status]:
        root["$ref"] = operation["responses"][status]["$ref"] + "/content/application~1json/schema"
    validator = jsonschema.Draft202012Validator(root, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
    for e in errors[:5]:
        where = "/".join(str(p) for p in e.absolute_path) or "(root)"
        print(f"validate: GET {path} {status}: {where}: {e.message}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
