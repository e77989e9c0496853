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
  manifests, each with its reason). What they check (resources, privileges,
  capabilities, read-only root filesystems, Secrets as files, probes) is not
  checked again here; the ones relied on are CHECKOV_RELIED_ON, which every
  object that makes pods must pass;
- checked for what the set-up promises beyond checkov: probes that ask the
  right thing, the non-root user, seccomp, writable paths, rollouts,
  disruption budget, autoscaler, migrations, secrets, network policies;
- compared with compose.yaml and the Dockerfile: each object that makes pods
  is compose's service of the same name, with the same image, command,
  variables, secret files, volumes, health check, user, addresses and clients.

Nothing here names a service that an option adds: each option that adds
compose services (`services` in tests/options.py) must add the objects of
the same names, and the checks read every object by what it is (its compose
service, its image, its volumes), not by its name.

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
from tests.options import OPTIONS, combo_id, fast_combinations
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
# The checkov checks that stand in for checks of this module, which does not
# repeat them: each was seen to fail on a manifest broken its way, containers
# and init containers alike. Each must pass on every object that makes pods
# (checkov asks no probes of Jobs), so neither a checkov release without one
# nor a skip annotation in a manifest can take the coverage away unseen.
CHECKOV_RELIED_ON = {
    "CKV_K8S_8": "a liveness probe",
    "CKV_K8S_9": "a readiness probe",
    "CKV_K8S_10": "CPU requests",
    "CKV_K8S_11": "CPU limits",
    "CKV_K8S_12": "memory requests",
    "CKV_K8S_13": "memory limits",
    "CKV_K8S_16": "no privileged container",
    "CKV_K8S_20": "allowPrivilegeEscalation: false",
    "CKV_K8S_22": "a read-only root filesystem",
    "CKV_K8S_25": "no added capability",
    "CKV_K8S_37": "every capability dropped",
    "CKV_K8S_35": "Secrets as files, never as variables",
}
CHECKOV_NOT_ON_JOBS = {"CKV_K8S_8", "CKV_K8S_9"}

# What each probe asks: ready while the database answers, alive while the process does.
PROBE_PATHS = {"readinessProbe": "/health/", "livenessProbe": "/health/live/"}
# What Kubernetes adds to compose's variables: the HTTPS origin of the Ingress
# host, and Celery's process count (it would start one per CPU of the node,
# whatever the pod's CPU limit).
KUBERNETES_ONLY_VARIABLES = {"DJANGO_CSRF_TRUSTED_ORIGINS", "CELERY_WORKER_CONCURRENCY"}
# The path in the containers where the long-running processes of the project's
# image write temporary files (the root filesystems are read-only here).
TEMPORARY_DIRECTORY = "/tmp"  # noqa: S108
# The volume that stands for each kind of compose mount.
VOLUME_FOR_COMPOSE_MOUNT = {"volume": "persistentVolumeClaim", "tmpfs": "emptyDir"}
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


# Secrets that compose hands over only when .env gives them (compose mounts no
# file for an empty one): given here, so the whole set-up is compared.
OPTIONAL_COMPOSE_SECRETS = {"DJANGO_EMAIL_HOST_PASSWORD": "a-password"}


@functools.cache
def compose_config(project: Path) -> dict:
    """compose.yaml alone (the production set-up), as compose itself reads it, every secret given."""
    command = [str(compose_binary()), "-f", "compose.yaml", "config", "--format", "json"]
    return json.loads(run(command, project, env={**os.environ, **OPTIONAL_COMPOSE_SECRETS}).stdout)


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
def deployments_of_the_image_run_two_pods_at_least(m: Manifests) -> list[str]:
    """The project's processes keep nothing in their pods: one can restart or move while another works."""
    problems = [
        f"{name} asks for {replicas} pod(s)"
        for name, _ in m.pod_templates()
        if name.startswith("Deployment/")
        and m.builds_the_image(name)
        and (replicas := m.named(*name.split("/"))["spec"].get("replicas", 1)) < 2
    ]
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
        if get.get("path") != PROBE_PATHS[probe]:
            problems.append(f"{probe} asks {get.get('path')}, not {PROBE_PATHS[probe]}")
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
def pods_run_as_a_numeric_non_root_user(m: Manifests) -> list[str]:
    """Kept: checkov's CKV_K8S_23 is weaker (CKV_K8S_40, a UID above 10000, is skipped).

    It passes a pod with runAsUser but no runAsNonRoot (which makes the kubelet
    refuse a root start), one without runAsUser, one with runAsGroup 0, and an
    init container set to run as root: it reads no init container.
    """
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
def every_container_runs_under_the_runtime_default_seccomp_profile(m: Manifests) -> list[str]:
    """Its own profile, or else its pod's. Kept: checkov's CKV_K8S_31 is weaker.

    Once the pod names RuntimeDefault it reads no container's own profile (one
    may say Unconfined); without the pod's, it reads the containers' but not the
    init containers'.
    """
    return [
        f"{name} runs under the seccomp profile {profile}, not RuntimeDefault"
        for name, container, pod in m.containers()
        if (
            profile := (
                container.get("securityContext", {}).get("seccompProfile")
                or pod.get("securityContext", {}).get("seccompProfile")
                or {}
            ).get("type")
        )
        != "RuntimeDefault"
    ]


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
    """Every Deployment of the project's image: compose's services of it wait for migrate too."""
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
def liveness_probes_tolerate_a_hiccup(m: Manifests) -> list[str]:
    """That the probes are there is checkov's CKV_K8S_8 and CKV_K8S_9; how long they wait is not."""
    return [
        f"Deployment/{deployment['metadata']['name']}/{container['name']} is restarted "
        "after less than a minute of failed liveness probes"
        for deployment in m.of_kind("Deployment")
        for container in deployment["spec"]["template"]["spec"]["containers"]
        if (liveness := container.get("livenessProbe"))
        and liveness.get("periodSeconds", 10) * liveness.get("failureThreshold", 3) < 60
    ]


@check(OVERLAY_CHECKS)
def every_pod_has_a_network_policy(m: Manifests) -> list[str]:
    """Kept: checkov's CKV2_K8S_6 reads only Pod objects, and the manifests make pods from templates."""
    policies = [policy for policy in m.of_kind("NetworkPolicy") if "Ingress" in policy["spec"].get("policyTypes", [])]
    return [
        f"no NetworkPolicy says who may connect to the pods of {name}"
        for name, template in m.pod_templates()
        if not any(
            selects(policy["spec"]["podSelector"], template["metadata"].get("labels", {})) for policy in policies
        )
    ]


@check(OVERLAY_CHECKS)
def deployments_with_a_volume_claim_run_one_pod_that_keeps_its_data(m: Manifests) -> list[str]:
    """A server that keeps data on a claim (Redis's append-only file) runs once: two would be two of it."""
    problems = []
    for deployment in m.of_kind("Deployment"):
        name = f"Deployment/{deployment['metadata']['name']}"
        claims = [
            volume["persistentVolumeClaim"]["claimName"]
            for volume in deployment["spec"]["template"]["spec"].get("volumes", [])
            if "persistentVolumeClaim" in volume
        ]
        if not claims:
            continue
        if (replicas := deployment["spec"].get("replicas", 1)) != 1:
            problems.append(f"{name} asks for {replicas} pods: each would be a server of its own")
        if deployment["spec"].get("strategy", {}).get("type") != "Recreate":
            problems.append(f"a rollout could run two pods of {name} on one volume: the strategy is not Recreate")
        for claim in claims:
            found = m.optional("PersistentVolumeClaim", claim)
            if found is None:
                problems.append(f"no PersistentVolumeClaim named {claim}")
            elif found["spec"].get("accessModes") != ["ReadWriteOnce"]:
                problems.append(f"PersistentVolumeClaim/{claim} is not ReadWriteOnce")
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


@check(OVERLAY_CHECKS, per_bake=True)
def prometheus_scrapes_the_web_pods_on_a_port_the_service_does_not_expose(m: Manifests) -> list[str]:
    """The pods' prometheus.io annotations name gunicorn's metrics port, kept off the public way in."""
    annotations = m.web["spec"]["template"]["metadata"].get("annotations", {})
    default = re.search(r'"METRICS_PORT", "(\d+)"', (m.project / "gunicorn.conf.py").read_text())
    served = int(m.settings.get("METRICS_PORT") or (default.group(1) if default else 0))
    problems = [] if annotations.get("prometheus.io/scrape") == "true" else ["the web pods are not scraped"]
    if annotations.get("prometheus.io/path") != "/metrics":
        problems.append(f"Prometheus asks {annotations.get('prometheus.io/path')}, not /metrics")
    scraped = int(annotations.get("prometheus.io/port", 0))
    if scraped != served or m.port_number(m.web_container, scraped) is None:
        problems.append(f"Prometheus asks port {scraped}; gunicorn serves metrics on {served}, a declared port")
    service = m.named("Service", "web")
    problems += [
        f"the Service's port {port['port']} reaches the metrics port: the Ingress could route to it"
        for port in service["spec"]["ports"]
        if m.port_number(m.web_container, port.get("targetPort", port["port"])) == served
    ]
    opened = [
        m.port_number(m.web_container, port.get("port"))
        for policy in m.of_kind("NetworkPolicy")
        if selects(policy["spec"]["podSelector"], m.web_labels)
        for rule in policy["spec"].get("ingress", [])
        for port in rule.get("ports", [])
    ]
    if served not in opened:
        problems.append(f"no NetworkPolicy lets Prometheus connect to the metrics port {served}")
    if not re.search(rf"^EXPOSE .*\b{served}\b", m.dockerfile, re.MULTILINE):
        problems.append(f"the image does not declare the metrics port {served} (EXPOSE)")
    problems += [
        f"compose.yaml publishes the metrics port {served} on the host"
        for port in m.compose["services"]["web"].get("ports", [])
        if int(port["target"]) == served
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
def config_maps_hold_no_secrets(m: Manifests) -> list[str]:
    """No Secret is read into variables: that is checkov's CKV_K8S_35. A ConfigMap is not a Secret at all."""
    return [
        f"ConfigMap/{config['metadata']['name']} holds {key}"
        for config in m.of_kind("ConfigMap")
        for key in config.get("data", {})
        if re.search(r"SECRET|PASSWORD", key) and not key.endswith("_FILE")
    ]


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
        if missing := compose - names:
            problems.append(f"{name} lacks {sorted(missing)}")
        if extra := names - compose - KUBERNETES_ONLY_VARIABLES:
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


@check(COMPOSE_CHECKS, per_bake=True)
def writable_paths_are_composes_volumes_and_a_temporary_directory(m: Manifests) -> list[str]:
    """A pod's own container writes where compose's service mounts a volume, on the same kind of storage.

    A named volume is a PersistentVolumeClaim (Redis's append-only file is
    kept when its pod is replaced, so queued tasks are too), a tmpfs an
    emptyDir. The root filesystems are read-only here, not in compose, so each
    long-running process of the project's image also writes to an emptyDir at
    /tmp: gunicorn's heartbeat files, the prefork pool's shared memory file.
    Init containers and Jobs write nowhere.
    """
    problems = []
    for name, container, pod in m.containers():
        owner = name.rsplit("/", 1)[0]
        needed = {}
        if container is m.main_container(owner):
            service = m.service(owner)
            for mount in service.get("volumes", []):
                if (volume := VOLUME_FOR_COMPOSE_MOUNT.get(mount["type"])) is None:
                    problems.append(f"compose's {owner.split('/')[1]} mounts a {mount['type']}, which nothing here is")
                needed[mount["target"]] = volume
            needed |= {path.split(":", 1)[0]: "emptyDir" for path in service.get("tmpfs", [])}
            if owner.startswith("Deployment/") and m.builds_the_image(owner):
                needed[TEMPORARY_DIRECTORY] = "emptyDir"
        writable = {
            volume["name"]: volume for volume in pod.get("volumes", []) if not READ_ONLY_VOLUMES & volume.keys()
        }
        mounts = [mount for mount in container.get("volumeMounts", []) if mount["name"] in writable]
        paths = {mount["mountPath"] for mount in mounts if not mount.get("readOnly")}
        if paths != set(needed):
            problems.append(f"{name} can write to {sorted(paths)}; it needs {sorted(needed)}")
        problems += [
            f"{name} writes to {mount['mountPath']} on a volume that is not a {needed[mount['mountPath']]}"
            for mount in mounts
            if needed.get(mount["mountPath"]) and needed[mount["mountPath"]] not in writable[mount["name"]]
        ]
    return problems


@check(COMPOSE_CHECKS, per_bake=True)
def addresses_in_the_settings_reach_composes_services(m: Manifests) -> list[str]:
    """A setting that is the URL of a compose service that runs here too (as a broker's) reaches its pods.

    Through a Service of the URL's host, inside the cluster only (Redis has no
    password), that selects that object's pods and no others, and sends the
    URL's port to the container port compose's URL names.
    """
    objects = {name.split("/")[1]: name for name, _ in m.pod_templates()}
    problems = []
    for name, container, _ in m.containers():
        environment = m.environment(container)
        for variable, value in (m.service(name).get("environment") or {}).items():
            expected = urllib.parse.urlsplit(value or "")
            if not expected.scheme or (target := objects.get(expected.hostname or "")) is None:
                continue
            url = urllib.parse.urlsplit(environment.get(variable, ""))
            service = m.optional("Service", url.hostname or "")
            if service is None:
                problems.append(f"{variable} names {url.hostname}, which no Service is")
                continue
            selector = {"matchLabels": service["spec"].get("selector", {})}
            if service["spec"].get("type", "ClusterIP") != "ClusterIP":
                problems.append(
                    f"the {url.hostname} Service is {service['spec']['type']}, not inside the cluster only"
                )
            if not selects(selector, m.pod_labels(target)):
                problems.append(f"the {url.hostname} Service ({variable}) does not select the pods of {target}")
            problems += [
                f"the {url.hostname} Service ({variable}) also selects the pods of {other}"
                for other, template in m.pod_templates()
                if other != target and selects(selector, template["metadata"].get("labels", {}))
            ]
            ports = [port for port in service["spec"]["ports"] if port["port"] == (url.port or expected.port)]
            reached = ports and m.port_number(
                m.main_container(target) or {}, ports[0].get("targetPort", ports[0]["port"])
            )
            if reached != expected.port:
                problems.append(
                    f"the {url.hostname} Service's port {url.port or expected.port} ({variable}) does not reach "
                    f"{target}'s port {expected.port}, which compose's URL names"
                )
    return list(dict.fromkeys(problems))


@check(COMPOSE_CHECKS, per_bake=True)
def only_composes_clients_connect_to_a_service_compose_does_not_publish(m: Manifests) -> list[str]:
    """Who may connect to the pods of a service compose publishes no port of (Redis, the migrate Job, the worker).

    Its clients: the services that depend on it to have started or be healthy
    (web waits for migrate to complete, which is no connection), only on its
    container's ports. Those compose publishes, web, take connections from the
    Ingress controller, wherever it runs.
    """
    objects = {name.split("/")[1]: name for name, _ in m.pod_templates()}
    policies = [policy for policy in m.of_kind("NetworkPolicy") if "Ingress" in policy["spec"].get("policyTypes", [])]
    problems = []
    for name, template in m.pod_templates():
        own = name.split("/")[1]
        if m.service(name).get("ports"):
            continue
        clients = {
            objects[other]
            for other, spec in m.compose["services"].items()
            if other in objects
            and own in (spec.get("depends_on") or {})
            and spec["depends_on"][own].get("condition") != "service_completed_successfully"
        }
        container = m.main_container(name) or {}
        reached = set()
        for policy in policies:
            if not selects(policy["spec"]["podSelector"], template["metadata"].get("labels", {})):
                continue
            policy_name = f"NetworkPolicy/{policy['metadata']['name']}"
            for rule in policy["spec"].get("ingress", []):
                peers = rule.get("from", [])
                if not peers:
                    problems.append(f"{policy_name} lets any source connect to {name}")
                for peer in peers:
                    if set(peer) != {"podSelector"} or not peer["podSelector"]:
                        problems.append(f"{policy_name} lets {peer} connect to {name}")
                        continue
                    reached |= {
                        other
                        for other, source in m.pod_templates()
                        if selects(peer["podSelector"], source["metadata"].get("labels", {}))
                    }
                ports = [m.port_number(container, port.get("port")) for port in rule.get("ports", [])]
                if not ports or None in ports:
                    problems.append(f"{policy_name} opens other ports than those of {name}'s container")
        problems += [f"{other} may connect to {name}" for other in sorted(reached - clients)]
        problems += [f"{other} may not connect to {name}" for other in sorted(clients - reached)]
    return problems


def dockerfile_health_url(dockerfile: str) -> urllib.parse.SplitResult:
    instruction = next(line for line in dockerfile.replace("\\\n", " ").splitlines() if line.startswith("HEALTHCHECK"))
    return urllib.parse.urlsplit(re.search(r"http://[^'\"\s]+", instruction).group())


@check(COMPOSE_CHECKS, per_bake=True)
def same_health_check_as_the_image(m: Manifests) -> list[str]:
    urls = [dockerfile_health_url(m.dockerfile)]
    test = m.compose["services"]["web"].get("healthcheck", {}).get("test", [])
    urls += [urllib.parse.urlsplit(url) for url in re.findall(r"http://[^'\"\s]+", " ".join(test))]
    # The image's and compose's health check is the readiness one.
    container = m.web_container
    get = container.get("readinessProbe", {}).get("httpGet", {})
    port = m.port_number(container, get.get("port"))
    return [
        f"readinessProbe asks {get.get('path')} on port {port}, the image's health check {url.path} on {url.port}"
        for url in urls
        if (get.get("path"), port) != (url.path, url.port)
    ]


@check(COMPOSE_CHECKS, per_bake=True)
def probes_run_composes_health_check(m: Manifests) -> list[str]:
    """Where compose's service has a health check command (not the image's URL), both probes run it.

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
def test_each_service_option_adds_the_objects_of_its_compose_services(renderings, directory):
    """A value that adds services to compose.yaml (`services` in tests/options.py) adds objects here.

    Each bake with it, against the same answers with the option's default: it
    adds the services the table names to compose, objects that make pods named
    as those services here, and takes none away. So the renderings run every such service, and every check
    here also reads its objects.
    """
    bakes = {bake: (rendering, project) for rendering in renderings for bake, project in rendering.bakes.items()}

    def added(on: str, off: str) -> tuple[set[str], set[str], set[str]]:
        """(compose's services added, objects that make pods added, objects taken away)."""
        compose = [set(compose_config(bakes[bake][1])["services"]) for bake in (on, off)]
        pods = [
            {name.split("/")[1] for name, _ in bakes[bake][0].manifests(directory, bake).pod_templates()}
            for bake in (on, off)
        ]
        return compose[0] - compose[1], pods[0] - pods[1], pods[1] - pods[0]

    found = {}
    for option in OPTIONS:
        for value, named in option.services.items():
            pairs = [
                (combo_id(combo), combo_id({**combo, option.name: option.default}))
                for combo in fast_combinations()
                if combo[option.name] == value and option.relevant(combo)
            ]
            pairs = [(on, off) for on, off in pairs if on in bakes and off in bakes]
            if not pairs:
                found[f"{option.name}={value}"] = "no rendered combination has it"
            for on, off in pairs:
                if directory in bakes[on][0].errors or directory in bakes[off][0].errors:
                    continue  # test_kustomize_renders names it
                services, pods, removed = added(on, off)
                if services != set(named) or pods != services or removed:
                    found[on] = (
                        f"adds the services {sorted(services)} to compose (the table says {sorted(named)}), "
                        f"{sorted(pods)} here, removes {sorted(removed)}"
                    )
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
    """checkov's default Kubernetes checks, on what `kubectl apply -k` would send; CHECKOV_RELIED_ON on every pod.

    Only the kubernetes framework: a rendered overlay holds its Secret's values
    by design, which checkov's secrets scanner (meant for source trees) would
    report. --skip-download: the checks are all local; it skips fetching their
    guidelines from the vendor's platform, which needs a network.
    """

    def lint(m: Manifests) -> list[str]:
        manifest = tmp_path / f"{abs(hash(m.text))}.yaml"
        manifest.write_text(m.text)
        command = [tool("uv"), "tool", "run", "--python", sys.executable, "--from", CHECKOV, "checkov"]
        command += ["--file", manifest.name, "--framework", "kubernetes", "--output", "json", "--skip-download"]
        env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
        result = subprocess.run(
            command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600, check=False
        )
        output = (result.stdout + result.stderr).strip().splitlines()[-60:]
        try:
            results = json.loads(result.stdout)["results"]
        except (json.JSONDecodeError, KeyError, TypeError):
            return output
        problems = [
            f"{item['check_id']} fails on {item['resource']}: {item['check_name']}"
            for item in results["failed_checks"]
        ]
        ran = {(item["check_id"], item["resource"]) for item in results["passed_checks"] + results["failed_checks"]}
        skipped = {(item["check_id"], item["resource"]) for item in results["skipped_checks"]}
        for doc in (doc for doc in m.documents if doc["kind"] in POD_TEMPLATE_KINDS):
            resource = f"{doc['kind']}.{doc['metadata'].get('namespace', 'default')}.{doc['metadata']['name']}"
            problems += [
                f"checkov {'skips' if (check_id, resource) in skipped else 'does not run'} {check_id} "
                f"({covers}) on {resource}, which this module relies on"
                for check_id, covers in CHECKOV_RELIED_ON.items()
                if (check_id, resource) not in ran and not (doc["kind"] == "Job" and check_id in CHECKOV_NOT_ON_JOBS)
            ]
        return problems or (output if result.returncode else [])

    assert not (found := failures(renderings, overlay, lint)), found


@pytest.mark.parametrize("check", list(OVERLAY_CHECKS.values()), ids=list(OVERLAY_CHECKS))
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_overlay(renderings, overlay, check):
    assert not (found := failures(renderings, overlay, check)), found


@pytest.mark.parametrize("check", list(COMPOSE_CHECKS.values()), ids=list(COMPOSE_CHECKS))
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_overlay_agrees_with_compose(renderings, overlay, check):
    assert not (found := failures(renderings, overlay, check)), found
