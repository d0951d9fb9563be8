#!/usr/bin/env python3
"""Validates rendered Kubernetes manifests offline, strictly (unknown fields are errors).

Built-in kinds are checked against the schemas the PyPI package kubernetes-validate ships;
custom resources (e.g. ServiceMonitor) against the schemas in charts/test/schemas/, named
<kind>-<group>-<version>.json. A kind with no schema at all is an error, not a warning.

Usage: kube_validate.py -k 1.30.0 -k 1.37.0 FILE...
"""
import argparse
import functools
import json
import os
import sys

import jsonschema
import yaml
from kubernetes_validate import utils as kv
from referencing import Registry, Resource

HERE = os.path.dirname(os.path.abspath(__file__))
CRD_SCHEMAS = os.path.join(HERE, "schemas")


@functools.lru_cache(maxsize=None)
def validator_for(kind, api_version, k8s_version):
    group, _, version = api_version.rpartition("/")
    crd = os.path.join(CRD_SCHEMAS, f"{kind.lower()}-{group}-{version}.json")
    if os.path.exists(crd):
        with open(crd) as f:
            schema = json.load(f)
        return jsonschema.validators.validator_for(schema)(schema), "custom schema"
    # The layout kubernetes-validate uses: <kind>-<group without domain>-<version>.json.
    short = kv.re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
    schema_dir = f"v{k8s_version}-local-strict"
    try:
        schema = kv.schema_contents(f"kubernetes-json-schema/{schema_dir}/{kind.lower()}-{short}.json", k8s_version)
    except FileNotFoundError:
        return None, None
    registry = Resource.from_contents(schema) @ Registry()
    registry = definitions(schema_dir, k8s_version) @ registry
    return jsonschema.validators.Draft202012Validator(schema, registry=registry), f"Kubernetes {k8s_version}"


@functools.lru_cache(maxsize=None)
def definitions(schema_dir, k8s_version):
    return Resource.from_contents(kv.schema_contents(f"kubernetes-json-schema/{schema_dir}/_definitions.json", k8s_version))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-k", "--kubernetes-version", action="append", required=True)
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    supported = kv.all_versions()
    errors = checked = 0
    for version in args.kubernetes_version:
        if version not in supported:
            sys.exit(f"kubernetes-validate has no schemas for {version}; it has {', '.join(supported)}")
    for path in args.files:
        with open(path) as f:
            docs = [d for d in yaml.safe_load_all(f) if d]
        for doc in docs:
            what = f"{path}: {doc.get('kind')}/{doc.get('metadata', {}).get('name')}"
            for version in args.kubernetes_version:
                validator, against = validator_for(doc["kind"], doc["apiVersion"], version)
                if validator is None:
                    print(f"ERROR {what}: no schema for {doc['apiVersion']} {doc['kind']} (add one to {CRD_SCHEMAS})")
                    errors += 1
                    continue
                checked += 1
                for e in sorted(validator.iter_errors(doc), key=lambda e: list(e.path)):
                    where = ".".join(str(p) for p in e.path) or "(root)"
                    print(f"ERROR {what} against {against}: {where}: {e.message}")
                    errors += 1
    print(f"validated {checked} manifests ({', '.join(args.kubernetes_version)}): {errors} errors")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
