"""JupyterHub for a CM 101 workshop on one machine (started by `sudo make hub`).

Trainees sign in with the accounts the trainer made (hub/accounts.py) and land in the Voilà
course, a hub service at /services/cm101-course/ running as its own account (cm101-course),
which keeps everyone's progress; assignments go through the nbgrader exchange from each
trainee's own server; trainers get the live view at /services/cm101-live/ (account
cm101-live). Everything listens on 127.0.0.1 unless CM101_HUB_IP says otherwise (see
hub/README.md for the settings, all environment variables, and who may read what).
"""

import os
import signal
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import accounts  # noqa: E402
import hubtls  # noqa: E402
import workshopauth  # noqa: E402
import workshophub  # noqa: E402

from cmcourse.core.serve import MAP_PATH, free_port, jupyter_path  # noqa: E402
from cmcourse.server.service import PREFIX as COURSE_PREFIX  # noqa: E402
from cmcourse.server.service import service_args  # noqa: E402

c = get_config()  # noqa: F821 - provided by JupyterHub when it loads this file

if os.geteuid() != 0:
    sys.exit(
        "The workshop hub starts each trainee's server as the trainee's own system account, "
        "so it runs as root: sudo make hub"
    )


# Started in the background from a shell, the hub would pass on an ignored Ctrl+C signal, and
# every server it starts would then take its full timeout to stop: restore the default.
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


def _port(variable: str) -> int:
    """A port from the environment, else one free now (the hub starts everything anew)."""
    return int(os.environ.get(variable) or free_port())


STATE = workshopauth.state_dir()
EXCHANGE = os.environ.get("CM101_EXCHANGE", workshophub.DEFAULT_EXCHANGE)
IP = os.environ.get("CM101_HUB_IP", "127.0.0.1")
PORT = int(os.environ.get("CM101_HUB_PORT", "8000"))
LIVE_PORT = _port("CM101_LIVE_PORT")
COURSE_PORT = _port("CM101_COURSE_PORT")
IDLE_SERVER = int(os.environ.get("CM101_IDLE_SERVER", "3600"))  # a trainee's server, seconds
IDLE_KERNEL = int(os.environ.get("CM101_IDLE_KERNEL", "120"))  # a page's kernel, as in serve
# The address the room connects to: HTTPS with CM101_HUB_SSL_CERT/KEY; plain HTTP only on this
# machine or when waived (CM101_HUB_INSECURE_OK=1), else the hub stops here (hubtls.py).
hubtls.serve(c, IP, PORT)

accounts.passage_dir(STATE)
PRIVATE = STATE / "hub"  # the hub's own database, secrets and pid files: root only
PRIVATE.mkdir(mode=0o700, exist_ok=True)
PRIVATE.chmod(0o700)
if moved := workshophub.prepare_exchange(EXCHANGE):
    print(f"The exchange's course folder was not root's: moved aside to {moved}", file=sys.stderr)
workshophub.build_font_cache(STATE, sys.executable)
PYTHON = workshophub.hub_python(STATE)  # what trainees, the course and the live view run
# The course and the live view as accounts of their own; the answer key, solutions, gradebook
# and hand-ins in the repository out of trainees' reach (workshophub.OPEN_TO_TRAINEES), and
# what is added there while the hub runs within two seconds.
workshophub.prepare_services(STATE)
workshophub.keep_locked()
COURSE_DATA = workshophub.course_data(STATE)

# -- the hub and its proxy (configurable-http-proxy from npm, in hub/node_modules) --------------
c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{_port('CM101_HUB_API_PORT')}"
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{_port('CM101_PROXY_API_PORT')}"
c.ConfigurableHTTPProxy.command = [str(HERE / "node_modules" / ".bin" / "configurable-http-proxy")]
c.ConfigurableHTTPProxy.pid_file = str(PRIVATE / "proxy.pid")
c.JupyterHub.pid_file = str(PRIVATE / "jupyterhub.pid")
c.JupyterHub.db_url = f"sqlite:///{PRIVATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(PRIVATE / "jupyterhub_cookie_secret")
c.JupyterHub.cleanup_servers = True  # stopping the hub stops every trainee's server
c.JupyterHub.template_vars = {
    "announcement_login": "CM 101 workshop: sign in with the name and password from your trainer."
}

# -- who signs in ------------------------------------------------------------------------------
c.JupyterHub.authenticator_class = workshopauth.WorkshopAuthenticator
c.WorkshopAuthenticator.state = str(STATE)

# -- the course: a hub service of its own, where the key is ---------------------------------------
# The same course server as `make serve` (cmcourse.server), as the account cm101-course: its
# pages' kernels read the question bank and check answers there, and keep every trainee's
# progress in <state>/course, which no trainee's account can open. The hub signs people in
# (OAuth, --CourseVoila.hub); trainers (the hub's trainers group) get the course's trainer
# pages too. Everyone lands here after signing in.
VENV = Path(sys.prefix)
c.JupyterHub.default_url = f"{COURSE_PREFIX}{MAP_PATH}"
COURSE_SERVICE = {
    "name": "cm101-course",
    "display": True,
    "url": f"http://127.0.0.1:{COURSE_PORT}",
    "user": workshophub.COURSE_ACCOUNT,
    "cwd": str(COURSE_DATA),
    "command": [
        PYTHON,
        "-m",
        "cmcourse.server",
        # The same arguments as the course's pod on Kubernetes (python -m cmcourse.server.service).
        *service_args(
            COURSE_PORT, cull_idle=IDLE_KERNEL, trainers_group=workshopauth.TRAINERS_GROUP
        ),
    ],
    "environment": {
        "CM101_DATA_DIR": str(COURSE_DATA),
        "CM101_WORKSHOP_DIR": str(COURSE_DATA / "workshop"),  # "Submit results" hand-ins
        "JUPYTER_PATH": jupyter_path(str(VENV / "share" / "jupyter")),
        "JUPYTER_CONFIG_PATH": str(VENV / "etc" / "jupyter"),
        "JUPYTER_RUNTIME_DIR": str(COURSE_DATA / "run"),
        "MPLCONFIGDIR": str(COURSE_DATA / "matplotlib"),
    },
    "oauth_no_confirm": True,
}

# -- each trainee's server: their own system account, for nbgrader's assignments -----------------
# LocalProcessSpawner with one system account per trainee (not SimpleLocalProcessSpawner, which
# runs everyone as one user): file permissions then keep each trainee's work from the others.
# It opens JupyterLab (the Assignments tab); the course is not served from it.
c.JupyterHub.spawner_class = workshophub.WorkshopSpawner
c.WorkshopSpawner.state = str(STATE)
c.WorkshopSpawner.exchange = EXCHANGE
c.WorkshopSpawner.venv = sys.prefix
c.Spawner.cmd = [PYTHON, "-m", "jupyterhub.singleuser"]
c.Spawner.args = [
    "--ServerApp.terminals_enabled=False",
    # Kernels talk over sockets in the trainee's private runtime folder, not on 127.0.0.1
    # ports: thirty servers choosing ports at once collide, and no one else can even knock.
    "--KernelManager.transport=ipc",
]
c.Spawner.default_url = "/lab"
# Trainees' servers share the hub's web address (no subdomains, hub/README.md "One address"):
# a trainee's own Jupyter settings (~/.jupyter) could add pages that run scripts in the
# browser of anyone opening their link. Their server reads the hub's settings only.
c.Spawner.disable_user_config = True
c.Spawner.http_timeout = 120  # thirty servers starting at once on two cores take a while
c.Spawner.start_timeout = 180
c.LocalProcessSpawner.interrupt_timeout = 10
c.LocalProcessSpawner.term_timeout = 10

# -- trainers: the live view, the admin page, starting and stopping trainees' servers -----------
c.JupyterHub.load_roles = [
    {
        "name": "cm101-trainer",
        "description": "Workshop trainers: the live view and the hub's admin page",
        "scopes": [
            "access:services!service=cm101-live",
            "list:services",
            "read:services",
            "admin-ui",
            "list:users",
            "read:users",
            "servers",
        ],
        "groups": [workshopauth.TRAINERS_GROUP],
    },
    {
        # Every hub user may open the course (the hub's default user role, and the course).
        "name": "user",
        "scopes": ["self", "access:services!service=cm101-course"],
    },
    {
        "name": "cm101-live",
        "description": "The live view leaves the trainers out of the room's table",
        "scopes": [f"read:groups!group={workshopauth.TRAINERS_GROUP}"],
        "services": ["cm101-live"],
    },
    {
        "name": "idle-culler",
        "description": "Stop trainees' servers nobody has used for a while",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["idle-culler"],
    },
]
c.JupyterHub.services = [
    COURSE_SERVICE,
    {
        # As the account cm101-live: it reads the course's progress files, which only the
        # course writes, and may read nothing of trainees' own.
        "name": "cm101-live",
        "display": True,
        "url": f"http://127.0.0.1:{LIVE_PORT}",
        "user": workshophub.LIVE_ACCOUNT,
        "cwd": str(workshophub.live_home(STATE)),
        "command": [PYTHON, str(HERE / "live_service.py")],
        "environment": {
            "CM101_COURSE_DATA": str(COURSE_DATA),
            "MPLCONFIGDIR": str(workshophub.live_home(STATE) / "matplotlib"),
            "CM101_LIVE_REFRESH": os.environ.get("CM101_LIVE_REFRESH", ""),
        },
        "oauth_no_confirm": True,
    },
    {
        "name": "idle-culler",
        "command": [
            sys.executable,
            "-m",
            "jupyterhub_idle_culler",
            f"--timeout={IDLE_SERVER}",
            f"--cull-every={max(60, IDLE_SERVER // 6)}",
        ],
    },
]
# hub/accounts.py remove (or a trainer made a trainee) ends their sessions at once, through the
# hub's API with a token allowed only to delete users (accounts.hub_api).
accounts.hub_api(c, STATE)
