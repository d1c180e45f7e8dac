"""The Kubernetes install as the hub on one machine (issue 17, high: answer keys in trainees'
reach; the live view over trainee-owned files), checked from its files: no cluster, Docker or
Helm here. The course runs in a pod of its own (hub/z2jh/course-service.yaml) with the command
the hub on one machine runs, registered with the hub as an external service the proxy reaches;
the live view reads its volume read only; every container runs unprivileged; trainees' image
is built without the answer key (hub/Dockerfile, --target trainee)."""

from __future__ import annotations

import os
import re
import shlex
import stat
import subprocess
import sys
from fnmatch import fnmatch
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlparse

import pytest
import yaml
from traitlets.config import Config

from cmcourse.core.serve import MAP_PATH
from cmcourse.server.service import PREFIX, service_args

ROOT = Path(__file__).resolve().parents[2]
HUB = ROOT / "hub"
Z2JH = HUB / "z2jh"
DOCKERFILE = HUB / "Dockerfile"
DOCKERIGNORE = HUB / "Dockerfile.dockerignore"

# What the trainee image must never hold (the question bank and the course's pages, the pre/post
# test, the case studies' answers, nbgrader's sources with the solutions, the gradebook), and
# what it needs (the code assignments' kernels run, trainees' Jupyter and nbgrader settings).
KEYS = [
    "course/bank/module1.yaml",
    "course/learning_check.yaml",
    "casestudies/nadia/case.yaml",
    "workshop/source/module1/module1.ipynb",
    "workshop/nbgrader_config.py",
]
NEEDED = [
    "pyproject.toml",
    "cmcourse/assignments/kernel.py",
    "cmcourse/core/answers.py",
    "cmcourse/core/paths.py",
    "hub/trainee/nbgrader_config.py",
    "hub/trainee/jupyter_server_config.json",
]


# -- the manifests -----------------------------------------------------------------------------
def values() -> dict:
    return yaml.safe_load((Z2JH / "values.yaml").read_text())


def manifests() -> dict[str, list[dict]]:
    return {
        p.name: list(yaml.safe_load_all(p.read_text()))
        for p in sorted(Z2JH.glob("*.yaml"))
        if p.name != "values.yaml"
    }


def objects(kind: str) -> dict[str, dict]:
    return {
        d["metadata"]["name"]: d
        for docs in manifests().values()
        for d in docs
        if d and d.get("kind") == kind
    }


def env_of(container: dict) -> dict[str, object]:
    return {e["name"]: e.get("value", e.get("valueFrom")) for e in container.get("env", [])}


def test_every_manifest_parses_into_kubernetes_objects():
    found = manifests()
    assert {"course-service.yaml", "live-service.yaml"} <= set(found)
    for name, docs in found.items():
        assert docs and all(d.get("apiVersion") and d.get("kind") for d in docs), name
        for d in docs:
            assert d["metadata"]["name"], name
    assert values()["hub"]["services"]


def test_the_hub_registers_both_services_at_the_pods_that_serve_them():
    services, deployments, secrets = objects("Service"), objects("Deployment"), objects("Secret")
    registered = values()["hub"]["services"]
    assert set(registered) == {"cm101-course", "cm101-live"}
    for name, service in registered.items():
        url = urlparse(service["url"])
        target = services[
            url.hostname
        ]  # the manifest's Service the proxy sends /services/<name>/ to
        port = next(p for p in target["spec"]["ports"] if p["port"] == url.port)
        pods = [
            d
            for d in deployments.values()
            if target["spec"]["selector"].items()
            <= d["spec"]["template"]["metadata"]["labels"].items()
        ]
        assert len(pods) == 1, name
        container = pods[0]["spec"]["template"]["spec"]["containers"][0]
        assert port["targetPort"] in [p["containerPort"] for p in container["ports"]]
        env = env_of(container)
        assert env["JUPYTERHUB_SERVICE_NAME"] == name
        assert env["JUPYTERHUB_SERVICE_PREFIX"] == f"/services/{name}/"
        assert urlparse(str(env["JUPYTERHUB_SERVICE_URL"])).port == port["targetPort"]
        # The hub's OAuth client for the service is the one the service signs people in with.
        assert env["JUPYTERHUB_CLIENT_ID"] == service["oauth_client_id"] == f"service-{name}"
        assert env["JUPYTERHUB_OAUTH_CALLBACK_URL"] == service["oauth_redirect_uri"]
        assert service["oauth_redirect_uri"] == f"/services/{name}/oauth_callback"
        # Its token: the Secret of its own name, which check_values compares with apiToken.
        assert env["JUPYTERHUB_API_TOKEN"] == {"secretKeyRef": {"name": name, "key": "api-token"}}
        assert "api-token" in secrets[name]["stringData"]


def test_everyone_lands_on_the_course_and_may_open_it_trainers_the_live_view():
    hub = values()["hub"]
    assert hub["config"]["JupyterHub"]["default_url"] == f"{PREFIX}{MAP_PATH}"
    assert PREFIX == "/services/cm101-course/"
    assert "access:services!service=cm101-course" in hub["loadRoles"]["user"]["scopes"]
    assert "access:services!service=cm101-live" in hub["loadRoles"]["cm101-trainer"]["scopes"]
    assert values()["singleuser"]["defaultUrl"] == "/lab"  # assignments, as on one machine


def test_the_course_pod_runs_what_the_hub_on_one_machine_runs_for_the_course():
    course = objects("Deployment")["cm101-course"]["spec"]["template"]["spec"]
    container = course["containers"][0]
    python, *rest = container["command"]
    assert python == "python" and rest[:2] == ["-m", "cmcourse.server.service"]
    printed = subprocess.run(
        [sys.executable, *rest, "--print"], capture_output=True, text=True, check=True
    ).stdout
    port = container["ports"][0]["containerPort"]
    assert shlex.split(printed) == [
        sys.executable,
        "-m",
        "cmcourse.server",
        *service_args(port, ip="0.0.0.0"),
    ]
    # And the hub on one machine builds its course command from the same function.
    config = (HUB / "jupyterhub_config.py").read_text()
    assert re.search(r'"cmcourse\.server",\s*(#[^\n]*\s*)?\*service_args\(\s*COURSE_PORT', config)


def test_the_course_and_the_live_view_use_the_course_volume_as_on_one_machine():
    deployments = objects("Deployment")
    course = deployments["cm101-course"]["spec"]["template"]["spec"]
    live = deployments["cm101-live"]["spec"]["template"]["spec"]
    data = env_of(course["containers"][0])["CM101_DATA_DIR"]
    assert env_of(live["containers"][0])["CM101_COURSE_DATA"] == data
    for pod, read_only in ((course, False), (live, True)):
        claims = {
            v["name"]: v["persistentVolumeClaim"]
            for v in pod["volumes"]
            if "persistentVolumeClaim" in v
        }
        assert [c["claimName"] for c in claims.values()] == ["cm101-course"]
        for container in pod.get("initContainers", []) + pod["containers"]:
            for mount in container["volumeMounts"]:
                if mount["name"] in claims:
                    assert str(data).startswith(mount["mountPath"])
                    assert mount.get("readOnly", False) is read_only
    assert live["volumes"][0]["persistentVolumeClaim"]["readOnly"] is True
    # No trainee's pod mounts it; theirs mount the exchange only, besides their home.
    mounts = values()["singleuser"]["storage"]["extraVolumeMounts"]
    assert [m["name"] for m in mounts] == ["nbgrader-exchange"]


def test_the_course_folders_are_made_as_on_one_machine(tmp_path):
    """The course pod's first container makes its folder passable by the live view's group,
    not listable, and the progress folder readable by that group, setgid (workshophub's
    prepare_services). Run here on a folder standing for the volume."""
    course = objects("Deployment")["cm101-course"]["spec"]["template"]["spec"]
    init = course["initContainers"][0]
    live_gid = objects("Deployment")["cm101-live"]["spec"]["template"]["spec"]["securityContext"]
    script = init["command"][-1]
    assert f"chgrp {live_gid['runAsGroup']} " in script
    fonts = tmp_path / "opt" / "cm101-matplotlib"
    fonts.mkdir(parents=True)
    (fonts / "fontlist-v390.json").write_text("{}")
    script = script.replace("/srv/cm101", str(tmp_path / "srv")).replace(
        "/opt/", f"{tmp_path}/opt/"
    )
    script = script.replace(f"chgrp {live_gid['runAsGroup']} ", f"chgrp {os.getgid()} ")
    (tmp_path / "srv").mkdir()
    (tmp_path / "srv").chmod(0o2777)  # a volume's top with the setgid bit, as fsGroup gives it
    for _ in range(2):  # each start of the pod
        done = subprocess.run([*init["command"][:-1], script], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    data = tmp_path / "srv" / "course"
    assert stat.S_IMODE(data.stat().st_mode) == 0o710  # not setgid: its accounts stay its own
    assert stat.S_IMODE((data / "trainees").stat().st_mode) == 0o2750
    assert (data / "matplotlib" / "fontlist-v390.json").is_file()


# -- who runs as whom ----------------------------------------------------------------------------
def dockerfile_ids() -> dict[str, int]:
    """The user and group ids the course image gives its accounts (useradd/groupadd --uid/--gid)."""
    text = DOCKERFILE.read_text().replace("\\\n", " ")
    ids = {m[1]: int(m[0]) for m in re.findall(r"groupadd --gid (\d+) ([\w-]+)", text)}
    for found in re.findall(r"useradd --uid (\d+) [^&]*?([\w-]+)\s*(?:&&|$|\n)", text):
        ids[found[1]] = int(found[0])
    return ids


def test_every_container_runs_unprivileged_with_a_read_only_root():
    ids = dockerfile_ids()
    assert {"cm101-keys", "cm101-course", "cm101-live"} <= set(ids)
    pods = {name: d["spec"]["template"]["spec"] for name, d in objects("Deployment").items()}
    assert set(pods) == {"cm101-course", "cm101-live"}
    for name, pod in pods.items():
        security = pod["securityContext"]
        assert security["runAsNonRoot"] is True
        assert security["runAsUser"] == ids[name]  # the image's account of that name
        assert ids["cm101-keys"] in security["supplementalGroups"]  # may read the course
        assert pod["automountServiceAccountToken"] is False
        for container in pod.get("initContainers", []) + pod["containers"]:
            own = container.get("securityContext", {})
            assert own.get("runAsUser", security["runAsUser"]) != 0
            assert own["readOnlyRootFilesystem"] is True
            assert own["allowPrivilegeEscalation"] is False
            assert own["capabilities"]["drop"] == ["ALL"]
    # The live view is not in the course's own group: the course's accounts file is not its.
    assert ids["cm101-course"] not in pods["cm101-live"]["securityContext"]["supplementalGroups"]
    # Trainees' pods: one container as root, the exchange's folders (what it makes of them:
    # tests/security/test_exchange.py runs its script), nothing else.
    inits = values()["singleuser"]["initContainers"]
    assert [i["name"] for i in inits if i["securityContext"].get("runAsUser") != 1000] == [
        "cm101-exchange"
    ]
    (root,) = inits
    assert root["command"][:2] == ["sh", "-ec"]  # stops at the first command that fails
    assert [m["mountPath"] for m in root["volumeMounts"]] == ["/exchange"]
    assert root["securityContext"]["readOnlyRootFilesystem"] is True
    assert root["securityContext"]["capabilities"] == {"drop": ["ALL"], "add": ["CHOWN", "FOWNER"]}


def hub_config() -> Config:
    """The values' extraConfig, run as the chart's hub runs it."""
    c = Config()
    code = values()["hub"]["extraConfig"]["cm101"].replace(
        "/usr/local/etc/jupyterhub/cm101", str(HUB)
    )
    exec(compile(code, "hub.extraConfig.cm101", "exec"), {"c": c})
    return c


@pytest.mark.parametrize("groups", [[], ["trainers"]])
def test_trainees_servers_run_as_their_own_user_trainers_from_the_course_image(groups, monkeypatch):
    monkeypatch.setenv("CM101_COURSE_IMAGE", "registry.example.org/cm101-course:5")
    c = hub_config()
    user = SimpleNamespace(id=7, name="amina", groups=[SimpleNamespace(name=g) for g in groups])
    pods = values()["singleuser"]["initContainers"]
    spawner = SimpleNamespace(
        user=user,
        init_containers=pods,  # as the chart gives KubeSpawner.init_containers
        args=list(values()["hub"]["config"]["KubeSpawner"]["args"]),
        environment={},
        image="registry.example.org/cm101-trainee:5",
        supplemental_gids=[],
        working_dir=None,
    )
    assert c.KubeSpawner.uid(spawner) == 10007
    c.KubeSpawner.pre_spawn_hook(spawner)
    # the pod's root container records whose pod it is, for collecting hand-ins
    root = next(box for box in spawner.init_containers if box["name"] == "cm101-exchange")
    assert {"name": "CM101_TRAINEE", "value": "amina"} in root["env"]
    assert {"name": "CM101_UID", "value": "10007"} in root["env"]
    assert "env" not in next(box for box in pods if box["name"] == "cm101-exchange")
    if groups:
        assert spawner.image == "registry.example.org/cm101-course:5"
        assert spawner.supplemental_gids == [dockerfile_ids()["cm101-keys"]]
        assert spawner.args == [] and spawner.environment["JUPYTER_CONFIG_PATH"] == ""
        assert spawner.working_dir == "/home/jovyan"  # files saved to their volume
    else:
        assert spawner.image == "registry.example.org/cm101-trainee:5"
        assert spawner.supplemental_gids == []
        assert spawner.args == ["--ServerApp.terminals_enabled=False"]


# -- what each image holds ----------------------------------------------------------------------
def ignore_patterns(text: str) -> list[tuple[bool, re.Pattern]]:
    """A .dockerignore's patterns in order, as (excluded?, regex of the paths it matches)."""
    patterns = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        keep = line.startswith("!")
        glob = line.lstrip("!").strip("/")
        regex = ""
        for part in re.split(r"(\*\*/?|\*|\?)", glob):
            regex += {"**/": "(.*/)?", "**": ".*", "*": "[^/]*", "?": "[^/]"}.get(
                part, re.escape(part)
            )
        patterns.append((not keep, re.compile(regex)))
    return patterns


def ignored(path: str, patterns: list[tuple[bool, re.Pattern]]) -> bool:
    """Docker's rule: the last pattern that matches the path or a folder above it decides."""
    parts = path.split("/")
    prefixes = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    result = False
    for excluded, pattern in patterns:
        if any(pattern.fullmatch(p) for p in prefixes):
            result = excluded
    return result


def context_files(root: Path, patterns: list[tuple[bool, re.Pattern]]) -> set[str]:
    """The files `docker build ... .` sends from `root`, the .dockerignore's applied."""
    found = set()
    for folder, dirs, files in os.walk(root):
        rel = Path(folder).relative_to(root).as_posix()
        rel = "" if rel == "." else f"{rel}/"
        dirs[:] = [d for d in dirs if not ignored(rel + d, patterns)]
        found |= {rel + f for f in files if not ignored(rel + f, patterns)}
    return found


def instructions(text: str) -> list[list[str]]:
    """A Dockerfile's instructions, continuation lines joined, comments left out."""
    joined = re.sub(
        r"\\\n",
        " ",
        "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#")),
    )
    return [shlex.split(line) for line in joined.splitlines() if line.strip()]


def stage_files(text: str, context: set[str]) -> dict[str, set[str]]:
    """For each build stage, the files of the build context it holds: its parent stage's, those
    its COPY/ADD lines take from the context, and all of any stage it copies from."""
    stages: dict[str, set[str]] = {}
    current: set[str] = set()
    for words in instructions(text):
        op = words[0].upper()
        if op == "FROM":
            args = [w for w in words[1:] if not w.startswith("--")]
            current = set(stages.get(args[0], set()))
            stages[args[2] if len(args) >= 3 else f"stage{len(stages)}"] = current
        elif op in ("COPY", "ADD"):
            flags = dict(w[2:].split("=", 1) for w in words[1:] if w.startswith("--") and "=" in w)
            sources = [w for w in words[1:-1] if not w.startswith("--")]
            if "from" in flags:
                current |= stages.get(flags["from"], set())
                continue
            for source in sources:
                source = source.strip("/").removeprefix("./")
                current |= {
                    f
                    for f in context
                    if source in ("", ".")
                    or f == source
                    or f.startswith(source + "/")
                    or fnmatch(f, source)
                }
    return stages


def stage_settings(text: str) -> dict[str, dict[str, str]]:
    """For each build stage, its environment (ENV, its parent stage's first) and WORKDIR."""
    stages: dict[str, dict[str, str]] = {}
    current: dict[str, str] = {}
    for words in instructions(text):
        op = words[0].upper()
        if op == "FROM":
            args = [w for w in words[1:] if not w.startswith("--")]
            current = dict(stages.get(args[0], {}))
            stages[args[2] if len(args) >= 3 else f"stage{len(stages)}"] = current
        elif op == "ENV":
            current.update(w.split("=", 1) for w in words[1:])
        elif op == "WORKDIR":
            current["WORKDIR"] = words[1]
    return stages


def test_only_trainees_servers_run_with_the_trainees_jupyter_settings():
    """hub/trainee takes Voilà and the instructor tools away: right for trainees' servers, not
    for the course, the live view or trainers, which run the course image."""
    stages = stage_settings(DOCKERFILE.read_text())
    assert stages["trainee"]["JUPYTER_CONFIG_PATH"] == "/opt/cm101/hub/trainee"
    assert stages["trainee"]["WORKDIR"] == "/home/jovyan"
    assert stages["course"]["JUPYTER_CONFIG_PATH"] == ""
    for manifest in ("course-service.yaml", "live-service.yaml"):
        assert "hub/trainee" not in (HUB / "z2jh" / manifest).read_text()


def image_files(dockerfile: str = "", dockerignore: str = "") -> dict[str, set[str]]:
    patterns = ignore_patterns(dockerignore or DOCKERIGNORE.read_text())
    return stage_files(dockerfile or DOCKERFILE.read_text(), context_files(ROOT, patterns))


def test_the_trainee_image_holds_no_answer_key_and_what_assignments_need():
    stages = image_files()
    trainee, course = stages["trainee"], stages["course"]
    assert [k for k in KEYS if k in trainee] == []
    # Nothing of the repository but the engine's code and the trainees' settings, the rule
    # of the hub on one machine (workshophub.OPEN_TO_TRAINEES), the hub's own code left out.
    assert {f.split("/")[0] for f in trainee} == {
        "pyproject.toml",
        "README.md",
        "cmcourse",
        "cmsim",
        "hub",
    }
    assert {f for f in trainee if f.startswith("hub/")} == {
        f for f in trainee if f.startswith("hub/trainee/")
    }
    assert [n for n in NEEDED if n not in trainee] == []
    # The course image has the course, its key included: answers are checked there.
    assert [k for k in KEYS if k not in course] == []
    assert "cmcourse/server/service.py" in course and "hub/live_service.py" in course
    # The install's own files (filled-in values with the services' tokens, the accounts) are
    # in neither image.
    assert not {f for f in course if f.startswith(("hub/z2jh/", "cm101-accounts/"))}


@pytest.mark.parametrize(
    "breaking",
    [
        "FROM engine AS trainee\nCOPY . /opt/cm101\n",  # the whole repository
        "FROM engine AS trainee\nCOPY course /opt/cm101/course\n",
        "FROM engine AS trainee\nCOPY --from=course /opt/cm101 /opt/cm101\n",
        "FROM course AS trainee\n",  # built on the course image
        "FROM engine AS trainee\nCOPY hub \\\n  workshop /opt/cm101/\n",
    ],
)
def test_the_check_sees_a_key_copied_into_the_trainee_image(breaking):
    text = DOCKERFILE.read_text()
    course = text[text.index("FROM engine AS course") :]
    engine = text[: text.index("FROM engine AS trainee")]
    stages = image_files(engine + course + breaking)
    assert [k for k in KEYS if k in stages["trainee"]] != []


def test_the_check_sees_a_dockerignore_that_lets_the_install_s_files_in():
    stages = image_files(dockerignore=".git\n.venv\ntests\n")
    assert "hub/z2jh/values.yaml" in stages["course"]
    assert ignored("workshop/gradebook.db", ignore_patterns("workshop/gradebook.db"))
    assert ignored("a/b/__pycache__/x.pyc", ignore_patterns("**/__pycache__"))
    assert not ignored("course/x.sqlite", ignore_patterns("*.sqlite"))  # the top only
    assert ignored("course/x.sqlite", ignore_patterns("**/*.sqlite"))
    assert not ignored("hub/z2jh/values.yaml", ignore_patterns("hub/z2jh\n!hub/z2jh/values.yaml"))
