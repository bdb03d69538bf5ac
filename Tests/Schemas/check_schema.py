#!/usr/bin/env python3
"""Checks a report against a schema: `check_schema.py json SCHEMA REPORT` (JSON Schema 2020-12)
or `check_schema.py xml XSD REPORT`. Prints the first problems and exits 1 if invalid."""
import json
import sys

kind, schema_path, report_path = sys.argv[1:4]
if kind == "json":
    import jsonschema

    schema = json.load(open(schema_path))
    jsonschema.Draft202012Validator.check_schema(schema)
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(json.load(open(report_path))))
    for error in errors[:5]:
        print(f"{list(error.absolute_path)}: {error.message}")
    sys.exit(1 if errors else 0)
else:
    import xmlschema

    schema = xmlschema.XMLSchema(schema_path)
    errors = list(schema.iter_errors(report_path))
    for error in errors[:5]:
        print(error.reason, error.path)
    sys.exit(1 if errors else 0)
