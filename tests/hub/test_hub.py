"""The workshop hub (hub/): JupyterHub behind configurable-http-proxy, workshop accounts, one
system account per trainee, the Voilà course, the nbgrader exchange and the live view.

The hub is started here on 127.0.0.1 with free ports and driven in Debian's Chromium. It runs
as root (it makes system accounts and starts each trainee's server as theirs); the accounts
have a random suffix and are removed at the end, with every process the hub started.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest
import servers

from cmcourse.core.store import ProgressStore, hub_trainee_id
from cmsim.errors import FileProblem

ROOT = Path(__file__).resolve().parents[2]
HUB = ROOT / "hub"
BIN = Path(sys.executable).parent
sys.path.insert(0, str(HUB))

import accounts  # noqa: E402
import workshopauth  # noqa: E402
import workshophub  # noqa: E402
from throwaway import ThrowawayHub  # noqa: E402

as_root = pytest.mark.skipif(
    os.geteuid() != 0,
    reason="the hub runs as root: it starts each trainee's server as their own system account",
)

pytestmark = pytest.mark.hub


# -- the accounts file and passwords (no hub needed) ------------------------------------------
def test_a_workshop_file_with_a_bad_or_repeated_name_is_refused_in_plain_words(tmp_path):
    path = tmp_path / "workshop.yaml"
    path.write_text("workshop: May\ntrainers: [sara]\ntrainees: [Amina Y, bilal, bilal]\n")
    with pytest.raises(FileProblem) as caught:
        accounts.read_workshop(path)
    message = str(caught.value)
    assert "Amina Y" in message and "lowercase letters" in message
    path.write_text("workshop: May\ntrainers: [sara]\ntrainees: [amina, bilal, amina]\n")
    with pytest.raises(FileProblem, match="amina listed twice"):
        accounts.read_workshop(path)
    path.write_text("workshop: May\ntrainers: [sara]\ntrainees: [amina, bilal]\n")
    assert accounts.read_workshop(path).trainees == ["amina", "bilal"]


def test_passwords_are_kept_only_as_salted_hashes_and_checked_exactly():
    password = workshopauth.new_password()
    assert len(password) == 11 and password[5] == "-"
    stored = workshopauth.hash_password(password)
    assert password not in stored and stored != workshopauth.hash_password(password)  # salted
    assert workshopauth.check_password(password, stored)
    assert not workshopauth.check_password(password.upper(), stored)
    assert not workshopauth.check_password(password, "not a hash")


def test_the_hub_never_runs_a_server_as_an_account_it_did_not_make():
    assert not accounts.is_workshop_account("root")
    assert not accounts.is_workshop_account("nobody")
    assert accounts.system_name("amina") == "cm101-amina"


def test_the_trainer_makes_accounts_from_a_file_and_gets_a_password_sheet(tmp_path, capsys):
    """For Kubernetes (no system accounts): only accounts.json, readable by its owner only."""
    names = tmp_path / "workshop.yaml"
    names.write_text("workshop: May in Amman\ntrainers: [sara]\ntrainees: [amina, bilal]\n")
    state = tmp_path / "state"
    run = ["--state", str(state), "create", "--no-system-accounts", str(names)]
    assert accounts.main(run) == 0
    sheet = capsys.readouterr().out
    stored = workshopauth.load_accounts(state)["accounts"]
    assert {n: a["role"] for n, a in stored.items()} == {
        "sara": "trainer",
        "amina": "trainee",
        "bilal": "trainee",
    }
    line = next(x for x in sheet.splitlines() if x.startswith("amina"))
    password = line.split()[-1]
    assert workshopauth.check_password(password, stored["amina"]["hash"])
    assert (state / "accounts.json").stat().st_mode & 0o777 == 0o600
    # Again, with one more trainee: the others keep their passwords.
    names.write_text("workshop: May\ntrainers: [sara]\ntrainees: [amina, bilal, chidi]\n")
    assert accounts.main(run) == 0
    sheet = capsys.readouterr().out
    assert "amina" in sheet and "(unchanged)" in sheet
    again = workshopauth.load_accounts(state)["accounts"]
    assert workshopauth.check_password(password, again["amina"]["hash"])
    names.write_text("workshop: May\ntrainers: [Sara Q]\n")
    assert accounts.main(run) == 1
    assert "lowercase letters" in capsys.readouterr().out


def test_the_kubernetes_values_carry_the_settings_of_the_hub_on_one_machine(tmp_path):
    """On Kubernetes trainees' servers are JupyterLab for assignments, as on one machine, the
    course a service of its own (tests/security/test_kubernetes_install.py): the same trainers'
    role and idle time; the pod's start puts matplotlib's font list in place."""
    import yaml

    values = yaml.safe_load((HUB / "z2jh" / "values.yaml").read_text())
    config = (HUB / "jupyterhub_config.py").read_text()
    assert values["hub"]["config"]["KubeSpawner"]["args"] == ["--ServerApp.terminals_enabled=False"]
    assert '"--ServerApp.terminals_enabled=False"' in config
    assert values["hub"]["config"]["KubeSpawner"]["disable_user_config"] is True
    assert "c.Spawner.disable_user_config = True" in config
    assert values["singleuser"]["defaultUrl"] == "/lab" and 'default_url = "/lab"' in config
    role = values["hub"]["loadRoles"]["cm101-trainer"]
    for scope in role["scopes"]:
        assert f'"{scope}"' in config
    assert role["groups"] == [workshopauth.TRAINERS_GROUP]
    assert values["cull"]["timeout"] == 3600 and '"CM101_IDLE_SERVER", "3600"' in config
    compile(values["hub"]["extraConfig"]["cm101"], "hub.extraConfig.cm101", "exec")
    assert "CM101_DATA_DIR" not in values["singleuser"]["extraEnv"]  # no progress of theirs
    hook = values["singleuser"]["lifecycleHooks"]["postStart"]["exec"]["command"]
    image = tmp_path / "opt"
    (image / "cm101-matplotlib").mkdir(parents=True)
    (image / "cm101-matplotlib" / "fontlist-v390.json").write_text("{}")
    (tmp_path / "home").mkdir()
    env = {"HOME": str(tmp_path / "home"), "MPLCONFIGDIR": str(tmp_path / "home" / ".mpl")}
    script = hook[-1].replace("/opt/", f"{image}/")
    for _ in range(2):  # each start of the pod
        done = subprocess.run([*hook[:-1], script], env=env, capture_output=True, text=True)
        assert done.returncode == 0 and done.stderr == "", done.stderr
    assert (tmp_path / "home" / ".mpl" / "fontlist-v390.json").is_file()
    assert not (tmp_path / "home" / "course").exists()


# -- the running hub ----------------------------------------------------------------------------
@dataclass
class Hub:
    """The throwaway hub, with its three accounts by role."""

    running: ThrowawayHub
    trainer: str
    amina: str
    bilal: str

    def __getattr__(self, name: str):  # url, state, exchange, passwords, proc, stop()...
        return getattr(self.running, name)

    def store(self, name: str) -> ProgressStore:
        """A trainee's progress, as the course service keeps it (read here as root)."""
        return ProgressStore(hub_trainee_id(name), self.state / "course")


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    if os.geteuid() != 0:
        pytest.skip("the hub runs as root")
    tag = secrets.token_hex(3)
    trainer, amina, bilal = f"sara-{tag}", f"amina-{tag}", f"bilal-{tag}"
    log = tmp_path_factory.mktemp("hub") / "hub.log"
    env = {"CM101_LIVE_REFRESH": "2"}
    with ThrowawayHub([trainer], [amina, bilal], log=log, env=env) as running:
        yield Hub(running, trainer, amina, bilal)


def sign_in(browser, hub: Hub, name: str, password: str | None = None):
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{hub.url}/hub/login")
    page.fill("#username_input", name)
    page.fill("#password_input", password or hub.passwords[name])
    page.click("#login_submit")
    return context, page


COURSE = "/services/cm101-course/"


def course_page(hub: Hub, path: str) -> str:
    return f"{hub.url}{COURSE}voila/render/course/{path}"


def as_trainee(hub: Hub, name: str, *cmd: str) -> subprocess.CompletedProcess:
    """A command run as the trainee's system account, with their server's settings: what
    their kernels (or a terminal, were one open) could do."""
    import pwd

    pw = pwd.getpwnam(accounts.system_name(name))
    runtime = hub.state / "python" / "bin" / "python"
    python = str(runtime if runtime.exists() else sys.executable)
    env = {
        "HOME": pw.pw_dir,
        "USER": pw.pw_name,
        "PATH": f"{Path(python).parent}:/usr/bin:/bin",
        "JUPYTERHUB_USER": name,
        "CM101_EXCHANGE": str(hub.exchange),
        "JUPYTER_CONFIG_PATH": f"{HUB / 'trainee'}:{Path(sys.prefix) / 'etc' / 'jupyter'}",
    }
    return subprocess.run(
        [python if c == "python" else c for c in cmd],
        user=pw.pw_uid,
        group=pw.pw_gid,
        extra_groups=[],
        cwd=pw.pw_dir,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def trainees(hub, browser):
    """Amina and Bilal signed in, each in a browser of their own, on the page they land on."""
    pages = {}
    for name in (hub.amina, hub.bilal):
        _context, page = sign_in(browser, hub, name)
        page.wait_for_selector(".cm-map", timeout=90_000)
        pages[name] = page
    yield pages
    for page in pages.values():
        page.context.close()


def tries(hub: Hub, name: str, question: str) -> int:
    store = hub.store(name)
    try:
        return store.current().tries.get(question, 0)
    finally:
        store.close()


@as_root
def test_a_trainee_signs_in_and_lands_in_the_course_greeted_by_name(hub, browser, trainees):
    context, page = sign_in(browser, hub, hub.amina, "not-the-password")
    page.wait_for_selector("text=Invalid username or password")
    context.close()
    for name, page in trainees.items():
        assert page.url == course_page(hub, "index.ipynb")
        assert f"Welcome, {name}." in page.inner_text(".cm-map")
        assert "Your name or trainee ID" not in page.inner_text("body")  # the hub says who


@as_root
def test_the_course_checks_answers_in_its_own_service_and_keeps_progress_there(hub, trainees):
    page = trainees[hub.amina]
    # The course map's links open the page in the course app, served by the course service.
    page.get_by_role("link", name="1.1 What is case management?").click()
    page.locator(".cm-app-content h1", has_text="1.1 What is case").wait_for(timeout=60_000)
    page.wait_for_url(course_page(hub, "index.ipynb?page=1.1"))  # the address follows
    page.get_by_role("radio", name="f. a and b").check()
    page.get_by_role("button", name="Check my answer").click()
    page.wait_for_selector(".cm-wrong")
    page.get_by_role("radio", name="g. All of the above").check()
    page.get_by_role("button", name="Check my answer").click()
    page.wait_for_selector(".cm-right")
    store = hub.store(hub.amina)
    saved = store.current()
    store.close()
    assert saved.answers["m1-key-messages"]["correct"] and saved.tries["m1-key-messages"] == 2
    # Kept by the course's account, in its folder: no trainee's file to edit.
    course = pwd.getpwnam(workshophub.COURSE_ACCOUNT).pw_uid
    assert store.path.stat().st_uid == course and store.path.stat().st_mode & 0o007 == 0
    kernels = [p for p in hub.processes() if "ipykernel" in " ".join(p.cmdline())]
    assert kernels and {p.uids().real for p in kernels} == {course}


KEY = "answer: g"  # the key to m1-key-messages, as the question bank's file gives it


def start_own_server(page, hub: Hub, name: str) -> str:
    """The trainee's own Jupyter server started from their browser (the hub home's Start
    button), JupyterLab open: its address."""
    own = f"{hub.url}/user/{name}/"
    page.goto(f"{hub.url}/hub/spawn?next=/user/{name}/lab", timeout=120_000)
    page.wait_for_url(lambda url: url.startswith(f"{own}lab"), timeout=120_000)
    return own


def run_in_own_server(page, hub: Hub, name: str, code: str) -> str:
    """`code` run in a kernel of the trainee's own Jupyter server, started and driven from
    their browser as JupyterLab does (REST API, then the kernel's websocket): its output."""
    own = start_own_server(page, hub, name)
    script = """async ([base, code]) => {
      const xsrf = document.cookie.split("; ").find(c => c.startsWith("_xsrf="))?.slice(6);
      const headers = {"X-XSRFToken": decodeURIComponent(xsrf || "")};
      const made = await fetch(base + "api/kernels", {method: "POST", headers, body: "{}"});
      const kernel = (await made.json()).id;
      const url = base.replace(/^http/, "ws") + "api/kernels/" + kernel + "/channels";
      const ws = new WebSocket(url);
      const id = crypto.randomUUID();
      let out = "";
      await new Promise((resolve, reject) => {
        ws.onerror = reject;
        ws.onopen = () => ws.send(JSON.stringify({
          header: {msg_id: id, msg_type: "execute_request", username: "", session: id,
                   version: "5.3", date: new Date().toISOString()},
          parent_header: {}, metadata: {}, channel: "shell",
          content: {code, silent: false, store_history: false, user_expressions: {},
                    allow_stdin: false, stop_on_error: true},
        }));
        ws.onmessage = (event) => {
          const msg = JSON.parse(event.data);
          if (msg.parent_header.msg_id !== id) return;
          if (msg.msg_type === "stream") out += msg.content.text;
          if (msg.msg_type === "error") out += msg.content.ename + ": " + msg.content.evalue;
          if (msg.msg_type === "status" && msg.content.execution_state === "idle") resolve();
        };
      });
      ws.close();
      await fetch(base + "api/kernels/" + kernel, {method: "DELETE", headers});
      return out;
    }"""
    return page.evaluate(script, [own, code])


@as_root
def test_a_trainee_can_read_no_key_solution_gradebook_or_anyones_work(hub, trainees):
    assert KEY in (ROOT / "course" / "bank" / "module1.yaml").read_text()
    # Amina works in her own server (JupyterLab, for the assignments)...
    mine = "open('my-notes.txt', 'w').write('Amina'); print('written')"
    assert "written" in run_in_own_server(trainees[hub.amina], hub, hub.amina, mine)
    page = trainees[hub.bilal]
    # ...which Bilal, signed in, cannot open through the hub,
    reply = page.goto(f"{hub.url}/user/{hub.amina}/lab")
    assert reply.status == 403 and "You do not have permission" in page.inner_text("body")
    other = hub.store(hub.amina)
    other.close()
    secret = {
        "the question bank": ROOT / "course" / "bank" / "module1.yaml",
        "the pre- and post-test": ROOT / "course" / "learning_check.yaml",
        "Nadia's case": ROOT / "casestudies" / "nadia" / "case.yaml",
        "the solutions": ROOT / "workshop" / "source" / "module1" / "module1.ipynb",
        "the gradebook": ROOT / "workshop" / "gradebook.db",
        "the hand-ins": ROOT / "workshop" / "submitted",
        "git's history": ROOT / ".git" / "HEAD",
        "the course's accounts": hub.state / "course" / "accounts.sqlite",
        "Amina's progress": other.path,
        "Amina's home": hub.state / "homes" / hub.amina,
        "Amina's notes": hub.state / "homes" / hub.amina / "my-notes.txt",
    }
    code = f"""
import os
for what, path in {[(k, str(v)) for k, v in secret.items()]!r}:
    try:
        if os.path.isdir(path):
            print(what, "LISTED", os.listdir(path))
        else:
            print(what, "READ", open(path, "rb").read(200))
    except OSError as exc:
        print(what, type(exc).__name__)
from cmcourse.assignments.kernel import record, start_assignment
start_assignment({{"m1-six-steps": {{"kind": "single", "options": ["a", "b", "c"]}}}})
record("m1-six-steps", "b")
print("own settings off:", os.environ.get("JUPYTERHUB_DISABLE_USER_CONFIG"))
import resource
print("processes at most:", resource.getrlimit(resource.RLIMIT_NPROC))
"""
    out = run_in_own_server(page, hub, hub.bilal, code)  # nor read, with code of his own:
    for what in secret:
        assert f"{what} PermissionError" in out, out
    assert "Answer to m1-six-steps recorded." in out  # assignments still work there
    assert "own settings off: 1" in out  # his ~/.jupyter adds no page of his to the hub's address
    assert "processes at most: (512, 512)" in out  # a loop of forks stops with his account
    # Nor through his server's file handler, nor as a page of his own server's Voilà.
    for path in ("files/course/bank/module1.yaml", "voila/render/course/index.ipynb"):
        reply = page.request.get(f"{hub.url}/user/{hub.bilal}/{path}")
        assert reply.status == 404 and KEY not in reply.text()
    home = hub.state / "homes" / hub.bilal
    assert not (home / "course").exists() and not (home / "course").is_symlink()


@as_root
def test_what_a_trainer_adds_to_the_repository_is_soon_out_of_trainees_reach(hub):
    """`make scorm` while the hub runs writes build/, a package that carries the key."""
    added = ROOT / f".cm101-added-{os.getpid()}"
    added.mkdir(mode=0o755)
    try:
        (added / "cm101-scorm12.zip").write_text(KEY)
        (added / "cm101-scorm12.zip").chmod(0o644)
        deadline = time.monotonic() + 20
        while (
            peek := as_trainee(hub, hub.bilal, "cat", str(added / "cm101-scorm12.zip"))
        ).returncode == 0:
            assert time.monotonic() < deadline, "still readable by a trainee after 20 s"
            time.sleep(0.5)
        assert "Permission denied" in peek.stderr and KEY not in peek.stdout
    finally:
        shutil.rmtree(added)


@as_root
def test_the_exchange_keeps_each_trainees_submission_from_the_others(hub, trainees, tmp_path):
    course = tmp_path / "workshop"
    shutil.copytree(ROOT / "workshop" / "source", course / "source")
    shutil.copy(ROOT / "workshop" / "nbgrader_config.py", course)
    exchange = f"--Exchange.root={hub.exchange}"

    def nbgrader(*args: str) -> None:  # as the trainer, in the course folder (nbgrader needs
        env = os.environ | {"PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}  # alembic)
        done = subprocess.run(
            [str(BIN / "nbgrader"), *args], cwd=course, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stdout + done.stderr

    nbgrader("generate_assignment", "module1")
    nbgrader("release_assignment", "module1", exchange)
    for name in (hub.amina, hub.bilal):  # the hub records whose server is whose as it starts
        start_own_server(trainees[name], hub, name)

    for step in ("fetch_assignment", "submit"):
        done = as_trainee(hub, hub.amina, "python", "-m", "nbgrader", step, "module1")
        assert done.returncode == 0, done.stdout + done.stderr
    inbound = hub.exchange / "cm101" / "inbound"
    assert [p.name.split("+")[0] for p in inbound.iterdir()] == [hub.amina]
    # Bilal hands in his own answers as Amina, later: his code sets the name nbgrader uses.
    fetched = as_trainee(hub, hub.bilal, "python", "-m", "nbgrader", "fetch_assignment", "module1")
    assert fetched.returncode == 0, fetched.stdout + fetched.stderr
    his = Path(pwd.getpwnam(accounts.system_name(hub.bilal)).pw_dir) / "module1" / "module1.ipynb"
    his.write_text(his.read_text().replace("None  # replace None", '"b"  # replace None'))
    forged = as_trainee(
        hub, hub.bilal, "env", f"JUPYTERHUB_USER={hub.amina}",
        "python", "-m", "nbgrader", "submit", "module1",
    )  # fmt: skip
    assert forged.returncode == 0, forged.stdout + forged.stderr
    assert len(list(inbound.iterdir())) == 2

    # Bilal can hand in but not look in: the inbound folder cannot be listed...
    peek = as_trainee(hub, hub.bilal, "ls", str(inbound))
    assert peek.returncode != 0 and "Permission denied" in peek.stderr
    # ...nor can the course's folder be moved aside for one of his own (the sticky bit).
    swap = as_trainee(hub, hub.bilal, "mv", str(hub.exchange / "cm101"), str(hub.exchange / "x"))
    assert swap.returncode != 0 and (hub.exchange / "cm101").is_dir()

    nbgrader("collect", "module1", exchange)
    hers = course / "submitted" / hub.amina / "module1" / "module1.ipynb"
    amina_home = Path(pwd.getpwnam(accounts.system_name(hub.amina)).pw_dir)
    assert hers.read_bytes() == (amina_home / "module1" / "module1.ipynb").read_bytes()
    assert hers.read_bytes() != his.read_bytes()
    assert not (course / "submitted" / hub.bilal).exists()


@as_root
def test_the_live_view_shows_both_trainees_to_the_trainer_only_and_keeps_up(hub, browser, trainees):
    live = f"{hub.url}/services/cm101-live/"
    other = trainees[hub.bilal]
    reply = other.goto(live)
    assert reply.status == 403 and hub.amina not in other.inner_text("body")

    trainer, view = sign_in(browser, hub, hub.trainer)
    view.wait_for_selector(".cm-map", timeout=90_000)
    assert view.goto(live).status == 200
    table = view.inner_text("#live table")
    assert hub.amina in table and hub.bilal in table and hub.trainer not in table

    # Amina gets stuck on page 1.2, then finds the answer: the open view follows by itself.
    page = trainees[hub.amina]
    page.goto(course_page(hub, "module1/1_2_core_steps.ipynb"))
    page.wait_for_selector(".cm-header", timeout=60_000)
    wrong = ("c. Identification - Registration", "a. Intake - Case Planning")
    for n in (1, 2, 3):  # each try saved before the next (the same answer again is no new try)
        servers.answer(page, wrong[n % 2])
        deadline = time.monotonic() + 30
        while tries(hub, hub.amina, "m1-six-steps") < n and time.monotonic() < deadline:
            time.sleep(0.2)
    assert tries(hub, hub.amina, "m1-six-steps") == 3
    stuck = view.wait_for_selector("tr.cm-stuck", timeout=20_000).inner_text()
    assert hub.amina in stuck and "m1-six-steps" in stuck and "3 wrong tries in a row" in stuck
    assert "1.2 Core steps" in stuck
    servers.answer(page, "b. Identification and registration")
    page.wait_for_selector(".cm-right")
    view.wait_for_selector("tr.cm-stuck", state="detached", timeout=20_000)
    assert "0 stuck" in view.inner_text(".cm-summary")
    row = view.locator("#live tr", has_text=hub.amina).inner_text()
    assert "1.2 Core steps" in row and "2 of " in row  # her two questions, as the course saved
    # The view runs as an account of its own, which may read the course's files, not write.
    live = pwd.getpwnam(workshophub.LIVE_ACCOUNT)
    service = [p for p in hub.processes() if "live_service.py" in " ".join(p.cmdline())]
    assert service and {p.uids().real for p in service} == {live.pw_uid} and live.pw_uid != 0
    store = hub.store(hub.amina)
    store.close()
    check = f"test -r {store.path} && ! test -w {store.path} && ! test -w {store.path.parent}"
    done = subprocess.run(
        ["sh", "-c", check],
        user=live.pw_uid,
        group=live.pw_gid,
        extra_groups=os.getgrouplist(live.pw_name, live.pw_gid),
    )
    assert done.returncode == 0

    # The course's own trainer report, signed in by the hub (the trainers' group).
    view.goto(f"{hub.url}{COURSE}voila/render/workshop/report.ipynb")
    report = view.locator(".cm-report").first
    report.wait_for(timeout=90_000)
    assert hub.amina in report.inner_text() and hub.bilal in report.inner_text()
    trainer.close()
    # A trainee gets neither.
    reply = other.goto(f"{hub.url}{COURSE}voila/render/workshop/report.ipynb")
    assert reply.status == 403 and "For trainers only" in other.inner_text("body")
    assert hub.amina not in other.inner_text("body")


@as_root
def test_signing_out_of_the_course_signs_out_of_the_hub(hub, trainees):
    page = trainees[hub.amina]
    page.goto(course_page(hub, "index.ipynb"))
    page.wait_for_selector(".cm-map", timeout=90_000)
    with page.expect_navigation(url=lambda url: "/hub/login" in url):
        page.get_by_role("button", name="Sign out").click()
    reply = page.context.request.get(course_page(hub, "index.ipynb"))
    assert "/hub/login" in reply.url and "Welcome" not in reply.text()


@as_root
def test_stopping_the_hub_stops_every_process_it_started(hub):
    kinds = " ".join(" ".join(p.cmdline()) for p in hub.processes())
    assert "configurable-http-proxy" in kinds and "jupyterhub.singleuser" in kinds
    assert "live_service.py" in kinds and "jupyterhub_idle_culler" in kinds
    assert hub.stop() == []
    uids = {hub.uid(n) for n in (hub.amina, hub.bilal, hub.trainer)}
    # A zombie has ended and holds no memory; only its exit status waits for a parent
    # (in a container whose first process never reaps, that wait lasts for ever).
    left = psutil.process_iter(["uids", "status"])
    assert not [
        p for p in left if p.info["uids"].real in uids and p.info["status"] != psutil.STATUS_ZOMBIE
    ]
