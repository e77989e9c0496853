"""The Kubernetes manifests (deploy/kubernetes/), checked offline: no cluster can run here.

Every combination of the options is baked and each kustomize directory is
rendered with `kubectl kustomize`, after making the secrets file from its
example as the project's README says; renderings that come out the same are
checked once (what a check reads from the baked project itself, compose.yaml,
the Dockerfile, the ignore files, is read from every bake). Each distinct
rendering is then

- validated strictly against the Kubernetes OpenAPI schemas (kubernetes-validate),
  for the oldest and the newest Kubernetes version the package bundles;
- linted with checkov's default checks (its exceptions are annotations in the
  manifests, each with its reason);
- checked for what the set-up promises: probes, resources, the non-root user,
  read-only files, rollouts, disruption budget, autoscaler, migrations, secrets,
  and with Celery the worker's pods and Redis's volume, address and NetworkPolicy;
- compared with compose.yaml and the Dockerfile: each object that makes pods
  is compose's service of the same name (web, migrate; worker and redis with
  Celery), with the same image, command, variables, secret files, health
  check and user.

Each check is its own test, parametrised over the kustomize directories, and
names every rendering that fails it, so one failure never hides another.
"""

import dataclasses
import functools
import json
import os
import re
import shutil
import subprocess
import sys
import urllib.parse
from collections.abc import Callable
from pathlib import Path, PurePosixPath

import pytest
import yaml

from tests.helpers import TEMPLATE_DIR, run, tool
from tests.options import combo_id, fast_combinations
from tools.docker_engine import compose_binary

# One worker should render every combination once and run all these checks on it.
KUSTOMIZE_DIR = PurePosixPath("deploy/kubernetes")
OVERLAYS = sorted(
    f"overlays/{path.name}"
    for path in (TEMPLATE_DIR / "{{cookiecutter.project_slug}}" / KUSTOMIZE_DIR / "overlays").iterdir()
    if path.is_dir()
)
DIRECTORIES = ["base", *OVERLAYS]

# The oldest and the newest Kubernetes versions whose schemas kubernetes-validate bundles.
KUBERNETES_VERSIONS = ["1.25.0", "1.37.0"]

# checkov pins packaging<24, which pytest 9 cannot share an environment with,
# so it runs in an environment of its own (`uv tool run`), at this version.
CHECKOV = "checkov==3.3.30"

HEALTH_PATH = "/health/"
# What Kubernetes adds to compose's variables, by container name ("*": any):
# the HTTPS origin of the Ingress host, and the worker's process count (Celery
# would start one per CPU of the node, whatever the pod's CPU limit).
KUBERNETES_ONLY_VARIABLES = {"*": {"DJANGO_CSRF_TRUSTED_ORIGINS"}, "worker": {"CELERY_WORKER_CONCURRENCY"}}
# The only writable paths, by container name, and the kind of volume each is on:
# gunicorn's temporary files, the prefork pool's shared memory file, Redis's
# append-only file (kept when its pod is replaced, so queued tasks are too).
# Paths in the containers, not here:
WRITABLE_PATHS = {
    "web": {"/tmp": "emptyDir"},  # noqa: S108
    "worker": {"/tmp": "emptyDir"},  # noqa: S108
    "redis": {"/data": "persistentVolumeClaim"},
}
# The users (uid, gid) of the official images the manifests run, by repository:
# the official Dockerfiles create them with these ids.
OFFICIAL_IMAGE_USERS = {"redis": (999, 999)}
# Volume types the kubelet mounts read-only.
READ_ONLY_VOLUMES = {"secret", "configMap", "projected", "downwardAPI"}
POD_TEMPLATE_KINDS = {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"}


def kubectl() -> str:
    found = shutil.which("kubectl")
    if not found:
        raise RuntimeError("kubectl is not installed: these tests render the manifests with `kubectl kustomize`.")
    return found


def make_secret_files(project: Path) -> None:
    """Copy each committed example (secrets.env.example) to the file it models, as the README says."""
    for example in sorted((project / KUSTOMIZE_DIR).rglob("*.example")):
        target = example.with_suffix("")
        if not target.exists():
            shutil.copyfile(example, target)


@functools.cache
def compose_config(project: Path) -> dict:
    """compose.yaml alone (the production set-up), as compose itself reads it."""
    command = [str(compose_binary()), "-f", "compose.yaml", "config", "--format", "json"]
    return json.loads(run(command, project).stdout)


@dataclasses.dataclass
class Rendering:
    """One distinct result of `kubectl kustomize` over the directories, and the bakes that gave it."""

    outputs: dict[str, str]  # directory -> rendered YAML
    errors: dict[str, str]  # directory -> kubectl's complaint
    bakes: dict[str, Path]  # combination id -> baked project

    @property
    def name(self) -> str:
        return " ".join(self.bakes)

    def manifests(self, directory: str, combo: str | None = None) -> "Manifests":
        """The directory's objects, with the files of one bake (the first, unless named)."""
        documents = [doc for doc in yaml.safe_load_all(self.outputs[directory]) if doc]
        return Manifests(self, directory, documents, self.bakes[combo or next(iter(self.bakes))])


def repository(image: str) -> str:
    """An image reference without its tag or digest: registry.example.com/name:1.0 -> registry.example.com/name."""
    name = image.split("@", 1)[0]
    path, _, last = name.rpartition("/")
    return f"{path}/{last.split(':', 1)[0]}" if path else last.split(":", 1)[0]


def selects(selector: dict, labels: dict[str, str]) -> bool:
    """Whether a label selector (matchLabels and matchExpressions) selects these labels."""
    if not selector:
        return False
    if any(labels.get(key) != value for key, value in selector.get("matchLabels", {}).items()):
        return False
    operators: dict[str, Callable[[str, list[str]], bool]] = {
        "In": lambda key, values: labels.get(key) in values,
        "NotIn": lambda key, values: labels.get(key) not in values,
        "Exists": lambda key, values: key in labels,
        "DoesNotExist": lambda key, values: key not in labels,
    }
    return all(
        operators[expression["operator"]](expression["key"], expression.get("values", []))
        for expression in selector.get("matchExpressions", [])
    )


def allowed_host(host: str, patterns: list[str]) -> bool:
    """Django's ALLOWED_HOSTS matching: exact names, `.example.com` for subdomains, `*` for any."""
    host = re.sub(r":\d+$", "", host).lower()
    return any(
        pattern == "*"
        or host == pattern
        or (pattern.startswith(".") and (host.endswith(pattern) or host == pattern[1:]))
        for pattern in (pattern.strip().lower() for pattern in patterns)
    )


def docker_ignored(project: Path, path: PurePosixPath) -> bool:
    """Whether .dockerignore keeps `path` out of the build context.

    Docker's rules: lines in order, `!` takes a path back, `*` and `?` stay
    within one path segment, `**` spans any, and an excluded folder takes
    everything in it.
    """
    ignored = False
    for line in (project / ".dockerignore").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        pattern = line.removeprefix("!").strip().strip("/")
        regex = "".join(
            ".*" if token == "**" else "[^/]*" if token == "*" else "[^/]" if token == "?" else re.escape(token)
            for token in re.findall(r"\*\*|\*|\?|[^*?]+", pattern)
        )
        if re.fullmatch(f"{regex}(/.*)?", str(path)):
            ignored = not negated
    return ignored


def git_ignored(project: Path, path: PurePosixPath) -> bool:
    """Whether git ignores `path` in the project (its .gitignore), as git itself decides."""
    return subprocess.run(["git", "check-ignore", "--quiet", str(path)], cwd=project, check=False).returncode == 0


@dataclasses.dataclass
class Manifests:
    """One directory's rendered objects, with the look-ups the checks share."""

    rendering: Rendering
    directory: str
    documents: list[dict]
    project: Path  # the bake whose compose.yaml, Dockerfile and ignore files the checks read

    @property
    def compose(self) -> dict:
        return compose_config(self.project)

    @property
    def dockerfile(self) -> str:
        return (self.project / "Dockerfile").read_text()

    @property
    def text(self) -> str:
        return self.rendering.outputs[self.directory]

    def of_kind(self, kind: str) -> list[dict]:
        return [doc for doc in self.documents if doc["kind"] == kind]

    def named(self, kind: str, name: str) -> dict:
        if (doc := self.optional(kind, name)) is None:
            raise AssertionError(f"{self.directory} renders no {kind} named {name}")
        return doc

    def optional(self, kind: str, name: str) -> dict | None:
        return next((doc for doc in self.of_kind(kind) if doc["metadata"]["name"] == name), None)

    def service(self, name: str) -> dict:
        """Compose's service that a Kind/name[/container] object stands for: the one of the same name."""
        return self.compose["services"].get(name.split("/")[1], {})

    def builds_the_image(self, name: str) -> bool:
        """Whether the object runs the project's image (its compose service builds it)."""
        return "build" in self.service(name)

    def main_container(self, name: str) -> dict | None:
        """The container of a Kind/name object that is named like it (the one compose's service is)."""
        template = dict(self.pod_templates()).get(name, {})
        containers = template.get("spec", {}).get("containers", [])
        return next((item for item in containers if item["name"] == name.split("/")[1]), None)

    def pod_labels(self, name: str) -> dict[str, str]:
        return dict(self.pod_templates()).get(name, {}).get("metadata", {}).get("labels", {})

    @property
    def web(self) -> dict:
        return self.named("Deployment", "web")

    @property
    def web_container(self) -> dict:
        containers = self.web["spec"]["template"]["spec"]["containers"]
        return next(container for container in containers if container["name"] == "web")

    @property
    def web_labels(self) -> dict[str, str]:
        return self.web["spec"]["template"]["metadata"]["labels"]

    def pod_templates(self) -> list[tuple[str, dict]]:
        """(Kind/name, pod template) of every object that makes pods."""
        return [
            (f"{doc['kind']}/{doc['metadata']['name']}", doc["spec"]["template"])
            for doc in self.documents
            if doc["kind"] in POD_TEMPLATE_KINDS
        ]

    def other_pod_labels(self) -> list[tuple[str, dict[str, str]]]:
        """The labels of the pods that are not web pods (the migrate Job's)."""
        return [
            (name, template["metadata"].get("labels", {}))
            for name, template in self.pod_templates()
            if name != "Deployment/web"
        ]

    def containers(self) -> list[tuple[str, dict, dict]]:
        """(Kind/name/container, container, pod spec) of every container, init containers included."""
        return [
            (f"{name}/{container['name']}", container, template["spec"])
            for name, template in self.pod_templates()
            for container in template["spec"].get("initContainers", []) + template["spec"]["containers"]
        ]

    def environment(self, container: dict) -> dict[str, str]:
        """A container's variables: its ConfigMaps (envFrom) and its own env, which wins."""
        values: dict[str, str] = {}
        for source in container.get("envFrom", []):
            if "configMapRef" in source:
                values |= self.named("ConfigMap", source["configMapRef"]["name"]).get("data", {})
        for variable in container.get("env", []):
            values[variable["name"]] = variable.get("value", "")
        return values

    @property
    def settings(self) -> dict[str, str]:
        return self.environment(self.web_container)

    def setting_list(self, name: str) -> list[str]:
        return [item.strip() for item in self.settings.get(name, "").split(",") if item.strip()]

    def port_number(self, container: dict, port: int | str) -> int | None:
        """The number of one of the container's ports, given by number or by name; None if it has no such port."""
        return next(
            (
                item["containerPort"]
                for item in container.get("ports", [])
                if port in (item["containerPort"], item.get("name"))
            ),
            None,
        )


Check = Callable[[Manifests], list[str]]
# Each check returns what is wrong (nothing when all is well), and is a test of its own.
OVERLAY_CHECKS: dict[str, Check] = {}
COMPOSE_CHECKS: dict[str, Check] = {}
# Checks that read the baked project's own files: run on every bake, not once per rendering.
PER_BAKE: set[Check] = set()


def check(group: dict[str, Check], per_bake: bool = False) -> Callable[[Check], Check]:
    def register(function: Check) -> Check:
        group[function.__name__] = function
        if per_bake:
            PER_BAKE.add(function)
        return function

    return register


# --- what a deployed overlay promises ----------------------------------------------


@check(OVERLAY_CHECKS)
def web_runs_two_pods_at_least(m: Manifests) -> list[str]:
    problems = []
    if (replicas := m.web["spec"].get("replicas", 1)) < 2:
        problems.append(f"the web Deployment asks for {replicas} pod(s)")
    for autoscaler in m.of_kind("HorizontalPodAutoscaler"):
        if (minimum := autoscaler["spec"].get("minReplicas", 1)) < 2:
            problems.append(f"HorizontalPodAutoscaler/{autoscaler['metadata']['name']} goes down to {minimum}")
    return problems


@check(OVERLAY_CHECKS)
def probes_get_the_health_path_over_plain_http(m: Manifests) -> list[str]:
    problems = []
    container = m.web_container
    for probe in ("readinessProbe", "livenessProbe"):
        get = container.get(probe, {}).get("httpGet")
        if get is None:
            problems.append(f"no {probe} over HTTP")
            continue
        if get.get("path") != HEALTH_PATH:
            problems.append(f"{probe} asks {get.get('path')}, not {HEALTH_PATH}")
        if get.get("scheme", "HTTP") != "HTTP":
            problems.append(f"{probe} uses {get['scheme']}: gunicorn speaks plain HTTP")
        if m.port_number(container, get.get("port")) is None:
            problems.append(f"{probe} asks port {get.get('port')}, which the container does not declare")
    return problems


@check(OVERLAY_CHECKS)
def probes_send_an_allowed_host(m: Manifests) -> list[str]:
    problems = []
    allowed = m.setting_list("DJANGO_ALLOWED_HOSTS")
    for probe in ("readinessProbe", "livenessProbe"):
        headers = m.web_container.get(probe, {}).get("httpGet", {}).get("httpHeaders", [])
        host = next((header["value"] for header in headers if header["name"].lower() == "host"), None)
        if host is None:
            problems.append(f"{probe} sends no Host header: the pod's IP, which Django refuses")
        elif not allowed_host(host, allowed):
            problems.append(f"{probe} sends Host {host}, not in DJANGO_ALLOWED_HOSTS {allowed}")
    return problems


@check(OVERLAY_CHECKS)
def every_container_has_resource_requests_and_limits(m: Manifests) -> list[str]:
    return [
        f"{name} has no {section}.{resource}"
        for name, container, _ in m.containers()
        for section in ("requests", "limits")
        for resource in ("cpu", "memory")
        if resource not in container.get("resources", {}).get(section, {})
    ]


@check(OVERLAY_CHECKS)
def pods_run_as_a_numeric_non_root_user(m: Manifests) -> list[str]:
    problems = []
    for name, template in m.pod_templates():
        context = template["spec"].get("securityContext", {})
        if context.get("runAsNonRoot") is not True:
            problems.append(f"{name} does not set runAsNonRoot: true")
        for field in ("runAsUser", "runAsGroup"):
            if not isinstance(context.get(field), int) or context[field] == 0:
                problems.append(f"{name} has {field} {context.get(field)!r}, not a non-root number")
    for name, container, _ in m.containers():
        context = container.get("securityContext", {})
        if context.get("runAsNonRoot") is False or context.get("runAsUser") == 0:
            problems.append(f"{name} overrides the pod's non-root user")
    return problems


@check(OVERLAY_CHECKS)
def root_filesystems_are_read_only(m: Manifests) -> list[str]:
    return [
        f"{name} has a writable root filesystem"
        for name, container, _ in m.containers()
        if container.get("securityContext", {}).get("readOnlyRootFilesystem") is not True
    ]


@check(OVERLAY_CHECKS)
def only_the_needed_paths_are_writable_on_the_volumes_meant_for_them(m: Manifests) -> list[str]:
    problems = []
    for name, container, pod in m.containers():
        writable = {
            volume["name"]: volume for volume in pod.get("volumes", []) if not READ_ONLY_VOLUMES & volume.keys()
        }
        mounts = [mount for mount in container.get("volumeMounts", []) if mount["name"] in writable]
        paths = {mount["mountPath"] for mount in mounts if not mount.get("readOnly")}
        needed = WRITABLE_PATHS.get(container["name"], {})
        if paths != set(needed):
            problems.append(f"{name} can write to {sorted(paths)}; it needs {sorted(needed)}")
        problems += [
            f"{name} writes to {mount['mountPath']} on a volume that is not a {needed[mount['mountPath']]}"
            for mount in mounts
            if mount["mountPath"] in needed and needed[mount["mountPath"]] not in writable[mount["name"]]
        ]
    return problems


@check(OVERLAY_CHECKS)
def no_container_can_gain_privileges(m: Manifests) -> list[str]:
    return [
        f"{name} allows privilege escalation"
        for name, container, _ in m.containers()
        if container.get("securityContext", {}).get("allowPrivilegeEscalation") is not False
        or container.get("securityContext", {}).get("privileged")
    ]


@check(OVERLAY_CHECKS)
def every_capability_is_dropped(m: Manifests) -> list[str]:
    problems = []
    for name, container, _ in m.containers():
        capabilities = container.get("securityContext", {}).get("capabilities", {})
        if capabilities.get("drop") != ["ALL"]:
            problems.append(f"{name} drops {capabilities.get('drop')}, not [ALL]")
        if capabilities.get("add"):
            problems.append(f"{name} adds {capabilities['add']}")
    return problems


@check(OVERLAY_CHECKS)
def seccomp_profile_is_the_runtime_default(m: Manifests) -> list[str]:
    problems = [
        f"{name} has no RuntimeDefault seccomp profile"
        for name, template in m.pod_templates()
        if template["spec"].get("securityContext", {}).get("seccompProfile", {}).get("type") != "RuntimeDefault"
    ]
    problems += [
        f"{name} overrides the seccomp profile"
        for name, container, _ in m.containers()
        if container.get("securityContext", {}).get("seccompProfile", {}).get("type", "RuntimeDefault")
        != "RuntimeDefault"
    ]
    return problems


@check(OVERLAY_CHECKS)
def rollouts_never_stop_a_pod_before_its_replacement_is_ready(m: Manifests) -> list[str]:
    strategy = m.web["spec"].get("strategy", {})
    rolling = strategy.get("rollingUpdate", {})
    problems = []
    if strategy.get("type", "RollingUpdate") != "RollingUpdate":
        problems.append(f"the web Deployment's strategy is {strategy['type']}")
    if rolling.get("maxUnavailable", "25%") not in (0, "0%"):
        problems.append(f"maxUnavailable is {rolling.get('maxUnavailable', '25%')}, not 0")
    if rolling.get("maxSurge", "25%") in (0, "0%"):
        problems.append("maxSurge is 0: with maxUnavailable 0 no rollout could start")
    return problems


@check(OVERLAY_CHECKS)
def disruption_budget_covers_the_web_pods_and_allows_a_drain(m: Manifests) -> list[str]:
    budgets = m.of_kind("PodDisruptionBudget")
    covering = [budget for budget in budgets if selects(budget["spec"].get("selector", {}), m.web_labels)]
    problems = [] if covering else ["no PodDisruptionBudget selects the web pods"]
    replicas = m.web["spec"].get("replicas", 1)
    for budget in covering:
        spec = budget["spec"]
        if spec.get("maxUnavailable") in (0, "0%") or (
            isinstance(spec.get("minAvailable"), int) and spec["minAvailable"] >= replicas
        ):
            problems.append(
                f"PodDisruptionBudget/{budget['metadata']['name']} lets no pod be evicted: drains would hang"
            )
    problems += [
        f"PodDisruptionBudget/{budget['metadata']['name']} also counts the pods of {name}"
        for budget in budgets
        for name, labels in m.other_pod_labels()
        if selects(budget["spec"].get("selector", {}), labels)
    ]
    return problems


@check(OVERLAY_CHECKS)
def autoscaler_scales_the_web_deployment(m: Manifests) -> list[str]:
    target = {"apiVersion": "apps/v1", "kind": "Deployment", "name": m.web["metadata"]["name"]}
    autoscalers = [
        autoscaler
        for autoscaler in m.of_kind("HorizontalPodAutoscaler")
        if autoscaler["apiVersion"] == "autoscaling/v2" and autoscaler["spec"]["scaleTargetRef"] == target
    ]
    if not autoscalers:
        return ["no autoscaling/v2 HorizontalPodAutoscaler targets the web Deployment"]
    return [
        f"HorizontalPodAutoscaler/{autoscaler['metadata']['name']} has minReplicas above maxReplicas"
        for autoscaler in autoscalers
        if autoscaler["spec"].get("minReplicas", 1) > autoscaler["spec"]["maxReplicas"]
    ]


@check(OVERLAY_CHECKS)
def migrations_run_once_in_a_job(m: Manifests) -> list[str]:
    jobs = [
        job
        for job in m.of_kind("Job")
        if any(
            container.get("command", [])[1:3] == ["manage.py", "migrate"]
            for container in job["spec"]["template"]["spec"]["containers"]
        )
    ]
    if len(jobs) != 1:
        return [f"{len(jobs)} Jobs run `manage.py migrate`; one should"]
    spec = jobs[0]["spec"]
    problems = []
    if spec.get("parallelism", 1) != 1 or spec.get("completions", 1) != 1:
        problems.append("the migrate Job may run more than one pod at a time or more than once")
    if spec["template"]["spec"].get("restartPolicy") not in ("Never", "OnFailure"):
        problems.append("the migrate Job's pods have no Never or OnFailure restart policy")
    problems += [
        f"{name} runs migrate itself: once per pod, not once per release"
        for name, container, _ in m.containers()
        if name.startswith("Deployment/")
        and "migrate" in container.get("command", [])
        and "--check" not in " ".join(container.get("command", []))
    ]
    return problems


@check(OVERLAY_CHECKS)
def application_pods_wait_for_the_migrations(m: Manifests) -> list[str]:
    """The web pods, and the worker's: compose's web and worker wait for migrate too."""
    problems = [] if m.optional("Deployment", "web") else ["no web Deployment"]
    for name, template in m.pod_templates():
        if not name.startswith("Deployment/") or not m.builds_the_image(name):
            continue
        commands = [" ".join(container.get("command", [])) for container in template["spec"].get("initContainers", [])]
        if not any("manage.py migrate --check" in command for command in commands):
            problems.append(f"no init container of {name} waits for `manage.py migrate --check`")
    return problems


@check(OVERLAY_CHECKS)
def every_container_of_the_application_runs_the_registry_image(m: Manifests) -> list[str]:
    images = {container["image"] for name, container, _ in m.containers() if m.builds_the_image(name)}
    problems = [] if len(images) == 1 else [f"the application's containers run different images: {sorted(images)}"]
    problems += [f"{image} names no registry" for image in images if "/" not in repository(image)]
    return problems


@check(OVERLAY_CHECKS)
def every_long_running_container_has_probes_that_tolerate_a_hiccup(m: Manifests) -> list[str]:
    problems = []
    for deployment in m.of_kind("Deployment"):
        for container in deployment["spec"]["template"]["spec"]["containers"]:
            name = f"Deployment/{deployment['metadata']['name']}/{container['name']}"
            problems += [
                f"{name} has no {probe}" for probe in ("readinessProbe", "livenessProbe") if probe not in container
            ]
            liveness = container.get("livenessProbe", {})
            if liveness and liveness.get("periodSeconds", 10) * liveness.get("failureThreshold", 3) < 60:
                problems.append(f"{name} is restarted after less than a minute of failed liveness probes")
    return problems


@check(OVERLAY_CHECKS)
def every_pod_has_a_network_policy(m: Manifests) -> list[str]:
    policies = [policy for policy in m.of_kind("NetworkPolicy") if "Ingress" in policy["spec"].get("policyTypes", [])]
    return [
        f"no NetworkPolicy says who may connect to the pods of {name}"
        for name, template in m.pod_templates()
        if not any(
            selects(policy["spec"]["podSelector"], template["metadata"].get("labels", {})) for policy in policies
        )
    ]


# With Celery: a worker Deployment and Redis, as compose's worker and redis services.


@check(OVERLAY_CHECKS)
def worker_runs_two_pods_at_least(m: Manifests) -> list[str]:
    worker = m.optional("Deployment", "worker")
    if worker is None or (replicas := worker["spec"].get("replicas", 1)) >= 2:
        return []
    return [f"the worker Deployment asks for {replicas} pod(s): none runs tasks while it restarts"]


@check(OVERLAY_CHECKS)
def redis_runs_one_pod_that_keeps_its_data(m: Manifests) -> list[str]:
    redis = m.optional("Deployment", "redis")
    if redis is None:
        return []
    problems = []
    if (replicas := redis["spec"].get("replicas", 1)) != 1:
        problems.append(f"the redis Deployment asks for {replicas} pods: each would be a broker of its own")
    if redis["spec"].get("strategy", {}).get("type") != "Recreate":
        problems.append("a rollout could run two Redis pods on one volume: the strategy is not Recreate")
    for volume in redis["spec"]["template"]["spec"].get("volumes", []):
        if claim := volume.get("persistentVolumeClaim"):
            found = m.optional("PersistentVolumeClaim", claim["claimName"])
            if found is None:
                problems.append(f"no PersistentVolumeClaim named {claim['claimName']}")
            elif found["spec"].get("accessModes") != ["ReadWriteOnce"]:
                problems.append(f"PersistentVolumeClaim/{claim['claimName']} is not ReadWriteOnce")
    return problems


@check(OVERLAY_CHECKS)
def broker_url_names_the_redis_service(m: Manifests) -> list[str]:
    redis = m.optional("Deployment", "redis")
    url = m.settings.get("CELERY_BROKER_URL")
    if redis is None or url is None:
        return [] if (redis is None) == (url is None) else ["CELERY_BROKER_URL and the redis Deployment come apart"]
    parts = urllib.parse.urlsplit(url)
    service = m.optional("Service", parts.hostname or "")
    if service is None:
        return [f"CELERY_BROKER_URL names {parts.hostname}, which no Service is"]
    problems = []
    if service["spec"].get("type", "ClusterIP") != "ClusterIP":
        problems.append(f"the {parts.hostname} Service is {service['spec']['type']}: Redis has no password")
    selector = {"matchLabels": service["spec"].get("selector", {})}
    if not selects(selector, m.pod_labels("Deployment/redis")):
        problems.append(f"the {parts.hostname} Service does not select the redis pods")
    problems += [
        f"the {parts.hostname} Service also selects the pods of {name}"
        for name, template in m.pod_templates()
        if name != "Deployment/redis" and selects(selector, template["metadata"].get("labels", {}))
    ]
    ports = [port for port in service["spec"]["ports"] if port["port"] == (parts.port or 6379)]
    container = m.main_container("Deployment/redis") or {}
    if not ports or m.port_number(container, ports[0].get("targetPort", ports[0]["port"])) != 6379:
        problems.append(f"port {parts.port} of the {parts.hostname} Service does not reach Redis's 6379")
    return problems


@check(OVERLAY_CHECKS)
def only_web_and_worker_pods_reach_redis(m: Manifests) -> list[str]:
    labels = m.pod_labels("Deployment/redis")
    if not labels:
        return []
    policies = [
        policy
        for policy in m.of_kind("NetworkPolicy")
        if selects(policy["spec"]["podSelector"], labels) and "Ingress" in policy["spec"].get("policyTypes", [])
    ]
    if not policies:
        return ["no NetworkPolicy limits who connects to Redis"]
    clients = {"Deployment/web", "Deployment/worker"}
    redis = m.main_container("Deployment/redis") or {}
    problems, reached = [], set()
    for policy in policies:
        for rule in policy["spec"].get("ingress", []):
            peers = rule.get("from", [])
            if not peers:
                problems.append(f"NetworkPolicy/{policy['metadata']['name']} lets any source connect to Redis")
            for peer in peers:
                if set(peer) != {"podSelector"}:
                    problems.append(f"NetworkPolicy/{policy['metadata']['name']} lets {sorted(peer)} connect")
                    continue
                for name, template in m.pod_templates():
                    if selects(peer["podSelector"], template["metadata"].get("labels", {})):
                        reached.add(name)
            ports = [m.port_number(redis, port.get("port")) for port in rule.get("ports", [])]
            if not ports or set(ports) != {6379}:
                problems.append(f"NetworkPolicy/{policy['metadata']['name']} opens more than Redis's port")
    problems += [f"{name} may connect to Redis" for name in sorted(reached - clients)]
    problems += [f"{name} may not connect to Redis" for name in sorted(clients - reached)]
    return problems


@check(OVERLAY_CHECKS)
def service_reaches_the_web_pods_only_from_inside_the_cluster(m: Manifests) -> list[str]:
    service = m.named("Service", "web")
    problems = []
    if service["spec"].get("type", "ClusterIP") != "ClusterIP":
        problems.append(f"the Service is {service['spec']['type']}: X-Forwarded-Proto could come from anyone")
    if not selects({"matchLabels": service["spec"].get("selector", {})}, m.web_labels):
        problems.append("the Service does not select the web pods")
    problems += [
        f"the Service also selects the pods of {name}"
        for name, labels in m.other_pod_labels()
        if selects({"matchLabels": service["spec"].get("selector", {})}, labels)
    ]
    problems += [
        f"the Service's port {port['name']} sends to {port['targetPort']}, which the web container does not declare"
        for port in service["spec"]["ports"]
        if m.port_number(m.web_container, port.get("targetPort", port["port"])) is None
    ]
    return problems


def ingress_hosts(m: Manifests) -> list[str]:
    return [rule.get("host", "") for ingress in m.of_kind("Ingress") for rule in ingress["spec"].get("rules", [])]


@check(OVERLAY_CHECKS)
def ingress_hosts_are_allowed_hosts(m: Manifests) -> list[str]:
    allowed = m.setting_list("DJANGO_ALLOWED_HOSTS")
    hosts = ingress_hosts(m)
    problems = [] if hosts else ["no Ingress rule"]
    return problems + [
        f"Ingress host {host!r} is not in DJANGO_ALLOWED_HOSTS {allowed}"
        for host in hosts
        if not host or not allowed_host(host, allowed)
    ]


@check(OVERLAY_CHECKS)
def csrf_trusted_origins_are_the_ingress_hosts_over_https(m: Manifests) -> list[str]:
    origins = set(m.setting_list("DJANGO_CSRF_TRUSTED_ORIGINS"))
    expected = {f"https://{host}" for host in ingress_hosts(m)}
    return (
        []
        if origins == expected
        else [f"DJANGO_CSRF_TRUSTED_ORIGINS is {sorted(origins)}, the Ingress serves {sorted(expected)}"]
    )


@check(OVERLAY_CHECKS)
def ingress_serves_every_host_over_tls(m: Manifests) -> list[str]:
    problems = []
    for ingress in m.of_kind("Ingress"):
        covered = {
            host for tls in ingress["spec"].get("tls", []) if tls.get("secretName") for host in tls.get("hosts", [])
        }
        problems += [
            f"Ingress/{ingress['metadata']['name']} has no certificate for {rule.get('host')!r}"
            for rule in ingress["spec"].get("rules", [])
            if rule.get("host") not in covered
        ]
    return problems


@check(OVERLAY_CHECKS)
def ingress_routes_to_the_web_service(m: Manifests) -> list[str]:
    service = m.named("Service", "web")
    port_names = {port.get("name") for port in service["spec"]["ports"]}
    port_numbers = {port["port"] for port in service["spec"]["ports"]}
    return [
        f"Ingress path {path['path']} goes to {backend}"
        for ingress in m.of_kind("Ingress")
        for rule in ingress["spec"].get("rules", [])
        for path in rule.get("http", {}).get("paths", [])
        if (backend := path["backend"].get("service", {})).get("name") != service["metadata"]["name"]
        or not (
            backend.get("port", {}).get("name") in port_names or backend.get("port", {}).get("number") in port_numbers
        )
    ]


@check(OVERLAY_CHECKS)
def database_url_names_no_password(m: Manifests) -> list[str]:
    url = urllib.parse.urlsplit(m.settings.get("DATABASE_URL", ""))
    problems = [] if url.scheme.startswith("postgres") else [f"DATABASE_URL is not a PostgreSQL URL: {url.geturl()!r}"]
    if url.password is not None:
        problems.append("DATABASE_URL holds a password: it belongs in the Secret (DATABASE_PASSWORD_FILE)")
    if not m.settings.get("DATABASE_PASSWORD_FILE"):
        problems.append("no DATABASE_PASSWORD_FILE: the database password has no way in")
    return problems


@check(OVERLAY_CHECKS, per_bake=True)
def secrets_come_from_a_git_ignored_file_with_a_committed_example(m: Manifests) -> list[str]:
    project = m.project
    directory = KUSTOMIZE_DIR / m.directory
    kustomization = yaml.safe_load((project / directory / "kustomization.yaml").read_text())
    generators = kustomization.get("secretGenerator", [])
    problems = [] if generators else ["no secretGenerator"]
    for generator in generators:
        if generator.get("literals"):
            problems.append(f"secretGenerator {generator['name']} writes secret values into kustomization.yaml")
        sources = generator.get("envs", []) + [item.split("=", 1)[-1] for item in generator.get("files", [])]
        for source in (directory / name for name in sources):
            if not git_ignored(project, source):
                problems.append(f"{source} is not git-ignored")
            if not docker_ignored(project, source):
                problems.append(f"{source} is not in .dockerignore")
            if not (project / f"{source}.example").is_file():
                problems.append(f"{source} has no committed {source.name}.example")
    return problems


@check(OVERLAY_CHECKS)
def secrets_are_files_never_variables(m: Manifests) -> list[str]:
    problems = [
        f"{name} reads the Secret into variables"
        for name, container, _ in m.containers()
        if any("secretRef" in source for source in container.get("envFrom", []))
        or any("secretKeyRef" in variable.get("valueFrom", {}) for variable in container.get("env", []))
    ]
    problems += [
        f"ConfigMap/{config['metadata']['name']} holds {key}"
        for config in m.of_kind("ConfigMap")
        for key in config.get("data", {})
        if re.search(r"SECRET|PASSWORD", key) and not key.endswith("_FILE")
    ]
    return problems


# --- agreement with compose.yaml and the Dockerfile --------------------------------


def split_image(image: str) -> tuple[str, str]:
    """(repository, tag) of an image reference; the tag is empty when there is none."""
    name = image.split("@", 1)[0]
    return repository(image), name[len(repository(image)) + 1 :] if ":" in name.rsplit("/", 1)[-1] else ""


def seconds(duration: str) -> float:
    """A compose duration (1m30s, 10s, 500ms) in seconds."""
    units = {"h": 3600, "m": 60, "s": 1, "ms": 0.001, "us": 1e-6}
    return sum(float(number) * units[unit] for number, unit in re.findall(r"([\d.]+)(ms|us|h|m|s)", duration))


@check(COMPOSE_CHECKS, per_bake=True)
def every_pod_is_a_compose_service(m: Manifests) -> list[str]:
    """Each object that makes pods is compose's service of the same name, so the checks below can compare them."""
    return [
        f"{name} has no service of its name in compose.yaml" for name, _ in m.pod_templates() if not m.service(name)
    ]


@check(COMPOSE_CHECKS, per_bake=True)
def same_image_as_compose(m: Manifests) -> list[str]:
    """The base runs compose's images as compose names them; the overlay the same ones, from where it says.

    The project's image comes from a registry (registry.example.com/<compose's name>:<release>);
    an official image stays itself, at a fixed release of compose's tag (redis:8 -> redis:8.6.2).
    """
    if "base" in m.rendering.errors:
        return ["the base does not render"]
    base = m.rendering.manifests("base", next(combo for combo, path in m.rendering.bakes.items() if path == m.project))
    problems = [
        f"the base's {name} runs {container['image']}, compose's service {image}"
        for name, container, _ in base.containers()
        if container["image"] != (image := base.service(name).get("image"))
    ]
    for name, container, _ in m.containers():
        expected, expected_tag = split_image(m.service(name).get("image", ""))
        found, tag = split_image(container["image"])
        if m.builds_the_image(name):
            if found.rsplit("/", 1)[-1] != expected:
                problems.append(f"{name} runs {container['image']}, not compose's {expected} from a registry")
        elif found != expected:
            problems.append(f"{name} runs {container['image']}, not compose's {expected}")
        elif not tag.startswith(f"{expected_tag}."):
            problems.append(
                f"{name} runs {container['image']}, not a fixed release of compose's {expected}:{expected_tag}"
            )
    return problems


@check(COMPOSE_CHECKS, per_bake=True)
def same_command_as_compose(m: Manifests) -> list[str]:
    """Each pod's own container runs its compose service's command.

    The Dockerfile has no ENTRYPOINT, so for the project's image a container's
    command is compose's command; an official image keeps its entrypoint, in
    compose and here, so compose's command is the container's args.
    """
    problems = (
        [] if "ENTRYPOINT" not in m.dockerfile else ["the Dockerfile has an ENTRYPOINT, which `command` replaces"]
    )
    for name, _ in m.pod_templates():
        container = m.main_container(name)
        if container is None:
            problems.append(f"{name} has no container named {name.split('/')[1]}")
            continue
        service = m.service(name)
        expected = service.get("entrypoint") or [], service.get("command") or []
        if m.builds_the_image(name):
            found = [], container.get("command", []) + container.get("args", [])
            expected = [], expected[0] + expected[1]
        else:
            found = container.get("command", []), container.get("args", [])
        if found != expected:
            problems.append(f"{name} runs {found}, compose {expected} (entrypoint, command)")
    return problems


@check(COMPOSE_CHECKS, per_bake=True)
def same_variables_as_compose(m: Manifests) -> list[str]:
    problems = []
    for name, container, _ in m.containers():
        compose = set(m.service(name).get("environment") or {})
        names = set(m.environment(container))
        extras = KUBERNETES_ONLY_VARIABLES["*"] | KUBERNETES_ONLY_VARIABLES.get(container["name"], set())
        if missing := compose - names:
            problems.append(f"{name} lacks {sorted(missing)}")
        if extra := names - compose - extras:
            problems.append(f"{name} has {sorted(extra)}, which compose's {name.split('/')[1]} does not set")
    return problems


def secret_file_problem(m: Manifests, container: dict, pod: dict, path: PurePosixPath) -> str | None:
    """Why the container has no Secret key as the file `path`, if it has none."""
    volumes = {volume["name"]: volume for volume in pod.get("volumes", [])}
    mounts = [mount for mount in container.get("volumeMounts", []) if mount["mountPath"] == str(path.parent)]
    secrets = [volumes[mount["name"]]["secret"] for mount in mounts if "secret" in volumes[mount["name"]]]
    if not secrets:
        return f"mounts no Secret at {path.parent}"
    name = secrets[0]["secretName"]
    return None if path.name in m.named("Secret", name).get("data", {}) else f"Secret {name} has no key {path.name}"


@check(COMPOSE_CHECKS, per_bake=True)
def same_secret_files_as_compose(m: Manifests) -> list[str]:
    problems = []
    for name, container, pod in m.containers():
        service = m.service(name)
        files = [PurePosixPath(item["target"]) for item in service.get("secrets", [])]
        variables = {key: value for key, value in (service.get("environment") or {}).items() if key.endswith("_FILE")}
        problems += [
            f"compose's {key} names {value}, which compose does not mount"
            for key, value in variables.items()
            if PurePosixPath(value) not in files
        ]
        environment = m.environment(container)
        problems += [
            f"{name} has {variable}={environment.get(variable)!r}, compose {value!r}"
            for variable, value in variables.items()
            if environment.get(variable) != value
        ]
        problems += [
            f"{name} {problem}" for path in files if (problem := secret_file_problem(m, container, pod, path))
        ]
    return list(dict.fromkeys(problems))


def dockerfile_health_url(dockerfile: str) -> urllib.parse.SplitResult:
    instruction = next(line for line in dockerfile.replace("\\\n", " ").splitlines() if line.startswith("HEALTHCHECK"))
    return urllib.parse.urlsplit(re.search(r"http://[^'\"\s]+", instruction).group())


@check(COMPOSE_CHECKS, per_bake=True)
def same_health_check_as_the_image(m: Manifests) -> list[str]:
    urls = [dockerfile_health_url(m.dockerfile)]
    test = m.compose["services"]["web"].get("healthcheck", {}).get("test", [])
    urls += [urllib.parse.urlsplit(url) for url in re.findall(r"http://[^'\"\s]+", " ".join(test))]
    problems = []
    container = m.web_container
    for probe in ("readinessProbe", "livenessProbe"):
        get = container.get(probe, {}).get("httpGet", {})
        port = m.port_number(container, get.get("port"))
        problems += [
            f"{probe} asks {get.get('path')} on port {port}, the image's health check {url.path} on {url.port}"
            for url in urls
            if (get.get("path"), port) != (url.path, url.port)
        ]
    return problems


@check(COMPOSE_CHECKS, per_bake=True)
def probes_run_composes_health_check(m: Manifests) -> list[str]:
    """Where compose's service has a health check command (worker, redis), both probes run it.

    Each probe may take as long as compose lets the check take. `$$` in
    compose.yaml is a `$` for the container's shell.
    """
    problems = []
    for name, _ in m.pod_templates():
        healthcheck = m.service(name).get("healthcheck", {})
        test = healthcheck.get("test", [])
        if not name.startswith("Deployment/") or not test or test[0] not in ("CMD", "CMD-SHELL"):
            continue
        expected = test[1:] if test[0] == "CMD" else ["sh", "-c", test[1].replace("$$", "$")]
        container = m.main_container(name) or {}
        for probe in ("readinessProbe", "livenessProbe"):
            found = container.get(probe, {})
            if (command := found.get("exec", {}).get("command")) != expected:
                problems.append(f"{name}'s {probe} runs {command}, compose's health check {expected}")
            if found.get("timeoutSeconds", 1) < seconds(healthcheck.get("timeout", "30s")):
                problems.append(
                    f"{name}'s {probe} gives up after {found.get('timeoutSeconds', 1)} s, "
                    f"compose's health check after {healthcheck.get('timeout', '30s')}"
                )
    return problems


@check(COMPOSE_CHECKS, per_bake=True)
def same_user_as_the_image(m: Manifests) -> list[str]:
    """The project's pods run as the Dockerfile's user; an official image's as that image's own user."""
    arguments = dict(re.findall(r"^ARG (\w+)=(\S+)$", m.dockerfile, re.MULTILINE))
    problems = []
    for name, template in m.pod_templates():
        if m.builds_the_image(name):
            user = int(arguments["UID"]), int(arguments["GID"])
        elif (user := OFFICIAL_IMAGE_USERS.get(repository(m.service(name).get("image", "")))) is None:
            problems.append(f"{name} runs {m.service(name).get('image')}, whose user this module does not know")
            continue
        context = template["spec"].get("securityContext", {})
        problems += [
            f"{name} runs as {field} {context.get(field)}, the image's is {value}"
            for field, value in zip(("runAsUser", "runAsGroup"), user, strict=True)
            if context.get(field) != value
        ]
    return problems


# --- the tests -----------------------------------------------------------------


def render_every_combination(baked) -> list[Rendering]:
    """Every combination baked and rendered; one Rendering per distinct result."""
    distinct: dict[str, Rendering] = {}
    for combo in fast_combinations():
        if combo["use_kubernetes"] != "y":
            continue
        project = baked("kubernetes", combo)
        make_secret_files(project)
        # A repository, so that git itself can say which files it ignores.
        run(["git", "init", "--quiet"], project)
        outputs, errors = {}, {}
        for directory in DIRECTORIES:
            result = subprocess.run(
                [kubectl(), "kustomize", str(project / KUSTOMIZE_DIR / directory)],
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            if result.returncode == 0:
                outputs[directory] = result.stdout
            else:
                errors[directory] = result.stderr.strip() or f"exit {result.returncode}"
        rendering = distinct.setdefault(json.dumps([outputs, errors], sort_keys=True), Rendering(outputs, errors, {}))
        rendering.bakes[combo_id(combo)] = project
    return list(distinct.values())


@pytest.fixture(scope="module")
def renderings(baked) -> list[Rendering]:
    """The renderings of this run (the module's tests run on one worker: see conftest.py)."""
    return render_every_combination(baked)


def failures(renderings: list[Rendering], directory: str, check: Check) -> str:
    """What is wrong, for each rendering (or bake) that fails the check; empty if none does."""
    found: dict[str, list[str]] = {}
    for rendering in renderings:
        if directory in rendering.errors:
            found[rendering.name] = [f"{directory} does not render"]
            continue
        combos = list(rendering.bakes) if check in PER_BAKE else [None]
        for combo in combos:
            if problems := check(rendering.manifests(directory, combo)):
                found[combo or rendering.name] = problems
    return "\n".join(
        f"{name}:\n" + "\n".join(f"  - {problem}" for problem in problems) for name, problems in found.items()
    )


@pytest.mark.parametrize("directory", DIRECTORIES)
def test_kustomize_renders(renderings, directory):
    assert {
        rendering.name: rendering.errors[directory] for rendering in renderings if directory in rendering.errors
    } == {}


@pytest.mark.parametrize("directory", DIRECTORIES)
def test_celery_bakes_and_only_they_run_a_worker_and_redis(renderings, directory):
    """The renderings cover both answers, so every check here also reads a worker and a Redis."""
    combos = {combo_id(combo): combo for combo in fast_combinations()}
    answers = {combos[bake]["background_tasks"] for rendering in renderings for bake in rendering.bakes}
    assert answers == {"none", "celery"}
    found = {}
    for rendering in renderings:
        if directory in rendering.errors:
            continue  # test_kustomize_renders names it
        deployments = {doc["metadata"]["name"] for doc in rendering.manifests(directory).of_kind("Deployment")}
        for bake in rendering.bakes:
            expected = {"worker", "redis"} if combos[bake]["background_tasks"] == "celery" else set()
            if deployments & {"worker", "redis"} != expected:
                found[bake] = f"runs the Deployments {sorted(deployments)}"
    assert found == {}


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize("directory", DIRECTORIES)
def test_valid_against_the_kubernetes_schemas(renderings, directory, version, tmp_path):
    def validate(m: Manifests) -> list[str]:
        manifest = tmp_path / f"{abs(hash(m.text))}.yaml"
        manifest.write_text(m.text)
        command = [tool("kubernetes-validate"), "--strict", "--quiet", "--kubernetes-version", version, str(manifest)]
        result = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
        return [] if result.returncode == 0 else (result.stdout + result.stderr).strip().splitlines()

    assert not (found := failures(renderings, directory, validate)), found


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_checkov_default_checks_pass(renderings, overlay, tmp_path):
    """checkov's default Kubernetes checks, on what `kubectl apply -k` would send.

    Only the kubernetes framework: a rendered overlay holds its Secret's values
    by design, which checkov's secrets scanner (meant for source trees) would
    report. --skip-download: the checks are all local; it skips fetching their
    guidelines from the vendor's platform, which needs a network.
    """

    def lint(m: Manifests) -> list[str]:
        manifest = tmp_path / f"{abs(hash(m.text))}.yaml"
        manifest.write_text(m.text)
        command = [tool("uv"), "tool", "run", "--python", sys.executable, "--from", CHECKOV, "checkov"]
        command += ["--file", manifest.name, "--framework", "kubernetes", "--quiet", "--compact", "--skip-download"]
        env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
        result = subprocess.run(
            command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600, check=False
        )
        return [] if result.returncode == 0 else (result.stdout + result.stderr).strip().splitlines()[-60:]

    assert not (found := failures(renderings, overlay, lint)), found


@pytest.mark.parametrize("check", list(OVERLAY_CHECKS.values()), ids=list(OVERLAY_CHECKS))
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_overlay(renderings, overlay, check):
    assert not (found := failures(renderings, overlay, check)), found


@pytest.mark.parametrize("check", list(COMPOSE_CHECKS.values()), ids=list(COMPOSE_CHECKS))
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_overlay_agrees_with_compose(renderings, overlay, check):
    assert not (found := failures(renderings, overlay, check)), found
