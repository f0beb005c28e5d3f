"""A minimal JSON Schema (draft-07) validator for the keywords the event schemas in docs/schemas use.

The schema files are the contract shared with the C# apps, so they are loaded as they are; a keyword this
validator does not know is refused when the schema is loaded rather than silently ignored.
"""

import json
import math
import os
import re
from datetime import datetime
from pathlib import Path

_ANNOTATIONS = {"$schema", "$id", "$comment", "title", "description", "examples", "default"}
_ASSERTIONS = {
    "type", "required", "properties", "additionalProperties", "enum", "minimum", "exclusiveMinimum",
    "minItems", "items", "pattern", "format", "minLength",
}
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


class SchemaError(Exception):
    """The schema itself uses something this validator cannot check."""


class ValidationError(Exception):
    """An instance does not match its schema; the message names the offending field."""

    def __init__(self, path, problem):
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem}")


def default_schemas_dir():
    """docs/schemas at the repository root, unless SHIPPING_SCHEMAS_DIR points elsewhere (e.g. in a container)."""
    configured = os.environ.get("SHIPPING_SCHEMAS_DIR")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[3] / "docs" / "schemas"


def load_schema(message_name, schemas_dir=None):
    path = Path(schemas_dir or default_schemas_dir()) / f"{message_name}.schema.json"
    with open(path, encoding="utf-8") as file:
        schema = json.load(file)
    check_supported(schema, message_name)
    return schema


def check_supported(schema, where):
    if not isinstance(schema, dict):
        raise SchemaError(f"{where}: a schema must be an object")
    unknown = set(schema) - _ANNOTATIONS - _ASSERTIONS
    if unknown:
        raise SchemaError(f"{where}: unsupported keywords {sorted(unknown)}")
    if "format" in schema and schema["format"] != "date-time":
        raise SchemaError(f"{where}: unsupported format {schema['format']!r}")
    for name, child in schema.get("properties", {}).items():
        check_supported(child, f"{where}.{name}")
    if isinstance(schema.get("items"), dict):
        check_supported(schema["items"], f"{where}[]")
    if isinstance(schema.get("additionalProperties"), dict):
        check_supported(schema["additionalProperties"], f"{where}.*")


def validate(instance, schema, path="$"):
    """Raises ValidationError for the first problem found, depth first in schema order."""
    _check_type(instance, schema, path)
    if "enum" in schema and not any(_same_json(instance, option) for option in schema["enum"]):
        raise ValidationError(path, f"{_show(instance)} is not one of {_show(schema['enum'])}")
    if _is_number(instance):
        _check_number(instance, schema, path)
    if isinstance(instance, str):
        _check_string(instance, schema, path)
    if isinstance(instance, list):
        _check_array(instance, schema, path)
    if isinstance(instance, dict):
        _check_object(instance, schema, path)


def _check_type(instance, schema, path):
    if "type" not in schema:
        return
    allowed = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    if not any(_has_type(instance, name) for name in allowed):
        expected = " or ".join(allowed)
        raise ValidationError(path, f"expected {expected}, got {_type_name(instance)}")


def _check_number(instance, schema, path):
    if "minimum" in schema and instance < schema["minimum"]:
        raise ValidationError(path, f"{_show(instance)} is less than the minimum {schema['minimum']}")
    if "exclusiveMinimum" in schema and instance <= schema["exclusiveMinimum"]:
        raise ValidationError(path, f"{_show(instance)} must be greater than {schema['exclusiveMinimum']}")


def _check_string(instance, schema, path):
    if "minLength" in schema and len(instance) < schema["minLength"]:
        raise ValidationError(path, f"must be at least {schema['minLength']} characters long")
    if "pattern" in schema and not re.search(schema["pattern"], instance):
        raise ValidationError(path, f"{_show(instance)} does not match {schema['pattern']}")
    if schema.get("format") == "date-time" and not _is_date_time(instance):
        raise ValidationError(path, f"{_show(instance)} is not an RFC 3339 date-time")


def _check_array(instance, schema, path):
    if "minItems" in schema and len(instance) < schema["minItems"]:
        raise ValidationError(path, f"must have at least {schema['minItems']} item(s), got {len(instance)}")
    if isinstance(schema.get("items"), dict):
        for index, item in enumerate(instance):
            validate(item, schema["items"], f"{path}[{index}]")


def _check_object(instance, schema, path):
    for name in schema.get("required", []):
        if name not in instance:
            raise ValidationError(f"{path}.{name}", "required field is missing")
    properties = schema.get("properties", {})
    for name, child in properties.items():
        if name in instance:
            validate(instance[name], child, f"{path}.{name}")
    additional = schema.get("additionalProperties", True)
    for name in instance:
        if name in properties or additional is True:
            continue
        if additional is False:
            raise ValidationError(f"{path}.{name}", "unexpected field")
        validate(instance[name], additional, f"{path}.{name}")


def _has_type(instance, name):
    if name == "null":
        return instance is None
    if name == "boolean":
        return isinstance(instance, bool)
    if name == "integer":
        return _is_number(instance) and float(instance).is_integer()
    if name == "number":
        return _is_number(instance)
    if name == "string":
        return isinstance(instance, str)
    if name == "array":
        return isinstance(instance, list)
    if name == "object":
        return isinstance(instance, dict)
    raise SchemaError(f"unknown type {name!r}")


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _is_date_time(text):
    if not _DATE_TIME.match(text):
        return False
    try:
        datetime.fromisoformat(text.replace("z", "Z").replace("t", "T"))
    except ValueError:
        return False
    return True


def _same_json(left, right):
    # JSON equality: true is not 1, although Python says so.
    return type(left) is type(right) and left == right or (_is_number(left) and _is_number(right) and left == right)


def _type_name(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if _is_number(value):
        return "integer" if float(value).is_integer() else "number"
    if isinstance(value, float):
        return "non-finite number"
    return {str: "string", list: "array", dict: "object"}[type(value)]


def _show(value):
    text = json.dumps(value)
    return text if len(text) <= 60 else text[:57] + "..."
