"""The Kubernetes objects of a Kustomize base, and the checks a schema cannot make.

    objects.py render BASE           the objects as a JSON array (kubectl kustomize when there
                                     is a kubectl, else the base's resources files in order)
    objects.py check OBJECTS.json    the objects fit together: one replica with its volume,
                                     probes on /healthz, MEME_SCALE_FACTOR from the ConfigMap,
                                     selectors that select; exits 1 naming what does not
    objects.py break OBJECTS.json    a copy with one schema error and one wiring error, to show
                                     that both checks fail on a broken manifest
"""

import json
import os
import shutil
import subprocess
import sys

import yaml


def render(base):
    if shutil.which("kubectl"):
        text = subprocess.run(["kubectl", "kustomize", base], check=True, capture_output=True, text=True).stdout
    else:
        with open(os.path.join(base, "kustomization.yaml")) as file:
            resources = yaml.safe_load(file)["resources"]
        text = "\n---\n".join(open(os.path.join(base, name)).read() for name in resources)
    return [doc for doc in yaml.safe_load_all(text) if doc]


def one(objects, kind):
    found = [o for o in objects if o["kind"] == kind]
    if len(found) != 1:
        raise AssertionError("expected one %s, found %d" % (kind, len(found)))
    return found[0]


def selects(selector, labels):
    return bool(selector) and all(labels.get(key) == value for key, value in selector.items())


def check_pod(objects, statefulset):
    pod = statefulset["spec"]["template"]["spec"]
    container = pod["containers"][0]
    ports = {port["name"] for port in container["ports"]}
    for probe in ("readinessProbe", "livenessProbe"):
        get = container.get(probe, {}).get("httpGet", {})
        assert get.get("path") == "/healthz" and get.get("port") in ports, probe + " must GET /healthz on a named port"
    env = {item["name"]: item for item in container["env"]}
    ref = env["MEME_SCALE_FACTOR"]["valueFrom"]["configMapKeyRef"]
    config = one(objects, "ConfigMap")
    assert ref["name"] == config["metadata"]["name"] and ref["key"] in config["data"], "MEME_SCALE_FACTOR not from the ConfigMap"
    secret = one(objects, "Secret")
    assert {"secretRef": {"name": secret["metadata"]["name"]}} in container["envFrom"], "the Secret is not in envFrom"
    assert "MEMEOPS_TOKEN" in secret.get("stringData", secret.get("data", {})), "the Secret has no MEMEOPS_TOKEN"
    assert container["resources"]["requests"] and container["resources"]["limits"], "resources not set"
    return ports


def check(objects):
    statefulset = one(objects, "StatefulSet")
    spec = statefulset["spec"]
    assert spec["replicas"] == 1, "one replica: the SQLite archive has one writer"
    pod_labels = spec["template"]["metadata"]["labels"]
    assert selects(spec["selector"]["matchLabels"], pod_labels), "the StatefulSet's selector misses its pods"
    claims = {claim["metadata"]["name"] for claim in spec["volumeClaimTemplates"]}
    mounts = {m["name"]: m["mountPath"] for m in spec["template"]["spec"]["containers"][0]["volumeMounts"]}
    assert "data" in claims and mounts.get("data") == "/data", "the archive's volume is not mounted at /data"
    ports = check_pod(objects, statefulset)
    service = one(objects, "Service")
    assert selects(service["spec"]["selector"], pod_labels), "the Service selects no pod"
    assert all(p["targetPort"] in ports for p in service["spec"]["ports"]), "the Service targets an unknown port"
    assert spec["serviceName"] == service["metadata"]["name"], "serviceName is not the Service"
    pdb = one(objects, "PodDisruptionBudget")
    assert selects(pdb["spec"]["selector"]["matchLabels"], pod_labels), "the PodDisruptionBudget selects no pod"
    monitor = one(objects, "ServiceMonitor")
    assert selects(monitor["spec"]["selector"]["matchLabels"], service["metadata"]["labels"]), "the ServiceMonitor selects no Service"
    service_ports = {p["name"] for p in service["spec"]["ports"]}
    assert all(e["port"] in service_ports and e["path"] == "/metrics" for e in monitor["spec"]["endpoints"]), \
        "the ServiceMonitor scrapes no /metrics"


def broken(objects):
    statefulset = one(objects, "StatefulSet")
    statefulset["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] = "30"  # the schema wants an integer
    container = statefulset["spec"]["template"]["spec"]["containers"][0]
    container["readinessProbe"]["httpGet"]["path"] = "/health"  # valid YAML, wrong endpoint
    return objects


def main(command, path):
    if command == "render":
        json.dump(render(path), sys.stdout)
        return 0
    with open(path) as file:
        objects = json.load(file)
    if command == "break":
        json.dump(broken(objects), sys.stdout)
        return 0
    try:
        check(objects)
    except (AssertionError, KeyError, TypeError, IndexError) as problem:
        print("manifests do not fit together: %s" % (problem or repr(problem)), file=sys.stderr)
        return 1
    print("manifests fit together (%d objects)" % len(objects))
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("render", "check", "break"):
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
