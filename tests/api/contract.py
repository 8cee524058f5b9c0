"""Check a response against the served OpenAPI document with jsonschema (draft 2020-12, as OpenAPI 3.1 uses)."""

from __future__ import annotations

from jsonschema import Draft202012Validator


def check(document: dict, path: str, method: str, response) -> None:
    """Fail unless the status is documented for the operation and the body matches its schema."""
    operation = document["paths"][path][method.lower()]
    documented = operation["responses"].get(str(response.status_code))
    assert documented, f"{method} {path} answered an undocumented {response.status_code}"
    media, content = next(iter(documented["content"].items()))
    assert response.mimetype == media, f"{method} {path}: {response.mimetype} is not {media}"
    schema = {**content["schema"], "components": document["components"]}
    errors = sorted(Draft202012Validator(schema).iter_errors(response.json), key=str)
    assert not errors, f"{method} {path} {response.status_code}: {errors[0].message} at {list(errors[0].path)}"
