#!/usr/bin/env python3
"""Validate STIX 2.1 JSON files against OASIS' STIX 2.1 JSON schemas.

tests/stix/schemas/ is a verbatim copy of oasis-open/cti-stix2-json-schemas
(commit 3bf9e69, BSD-3-Clause, tests/stix/LICENSE).  Every schema is loaded
into a local store under its $id, so no reference is fetched from the network.

usage: validate.py FILE.json...   exit 0 all valid, 1 some invalid, 2 cannot run
"""
import json
import os
import sys

try:
    import jsonschema
except ImportError:
    print("validate.py: python3-jsonschema is not installed", file=sys.stderr)
    sys.exit(2)

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "schemas")


def load_store():
    store = {}
    for root, _, files in os.walk(HERE):
        for f in files:
            if f.endswith(".json"):
                with open(os.path.join(root, f)) as fp:
                    s = json.load(fp)
                store[s["$id"]] = s
    return store


def validator_for(schema, store):
    cls = jsonschema.validators.validator_for(schema)
    try:                                    # jsonschema >= 4.18: referencing
        from referencing import Registry, Resource
        reg = Registry().with_resources(
            (k, Resource.from_contents(v)) for k, v in store.items())
        return cls(schema, registry=reg, format_checker=cls.FORMAT_CHECKER)
    except ImportError:                     # Debian bookworm's 4.10
        res = jsonschema.RefResolver.from_schema(schema, store=store)
        return cls(schema, resolver=res, format_checker=cls.FORMAT_CHECKER)


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    store = load_store()
    bundle = store["http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/"
                   "stix2.1/schemas/common/bundle.json"]
    v = validator_for(bundle, store)
    bad = 0
    for path in argv[1:]:
        with open(path) as fp:
            doc = json.load(fp)
        errs = sorted(v.iter_errors(doc), key=lambda e: list(e.path))
        for e in errs[:10]:
            print("%s: %s: %s" % (path, "/".join(str(p) for p in e.path), e.message))
        if errs:
            bad += 1
        else:
            print("%s: valid STIX 2.1 bundle (%d objects)" % (path, len(doc.get("objects", []))))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
