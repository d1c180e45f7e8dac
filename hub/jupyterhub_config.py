"""JupyterHub for a CM 101 workshop on one machine (started by `sudo make hub`).

Trainees sign in with the accounts the trainer made (hub/accounts.py) and land in the Voilà
course; progress is kept per trainee; assignments go through the nbgrader exchange; trainers
get the live view at /services/cm101-live/. Everything listens on 127.0.0.1 unless
CM101_HUB_IP says otherwise (see hub/README.md for the settings, all environment variables).
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

from cmcourse.core.serve import free_port, voila_args  # noqa: E402

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
TRAINEE_PYTHON = workshophub.trainee_python(STATE)

# -- the hub and its proxy (configurable-http-proxy from npm, in hub/node_modules) --------------
c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{_port('CM101_HUB_API_PORT')}"
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{_port('CM101_PROXY_API_PORT')}"
c.ConfigurableHTTPProxy.command = [str(HERE / "node_modules" / ".bin" / "configurable-http-proxy")]
c.ConfigurableHTTPProxy.pid_file = str(PRIVATE / "proxy.pid")
c.JupyterHub.pid_file = str(PRIVATE / "jupyterhub.pid")
c.JupyterHub.db_url = f"sqlite:///{PRIVATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(PRIVATE / "jupyterhub_cookie_secret")
# Course addresses without /user/<name>/ (the course's links, a page named on a slide) reach
# the live view's service, which sends them on to the trainee's own server.
c.Proxy.extra_routes = {"/voila/": f"http://127.0.0.1:{LIVE_PORT}"}
c.JupyterHub.cleanup_servers = True  # stopping the hub stops every trainee's server
c.JupyterHub.template_vars = {
    "announcement_login": "CM 101 workshop: sign in with the name and password from your trainer."
}

# -- who signs in ------------------------------------------------------------------------------
c.JupyterHub.authenticator_class = workshopauth.WorkshopAuthenticator
c.WorkshopAuthenticator.state = str(STATE)

# -- each trainee's server: their own system account, landing in the Voilà course ---------------
# LocalProcessSpawner with one system account per trainee (not SimpleLocalProcessSpawner, which
# runs everyone as one user): file permissions then keep each trainee's work from the others.
c.JupyterHub.spawner_class = workshophub.WorkshopSpawner
c.WorkshopSpawner.state = str(STATE)
c.WorkshopSpawner.exchange = EXCHANGE
c.WorkshopSpawner.venv = sys.prefix
c.Spawner.cmd = [TRAINEE_PYTHON, "-m", "jupyterhub.singleuser"]
c.Spawner.args = [
    # Voilà's settings for the course, the same as `make serve` (no tracebacks, idle kernels
    # culled), for Voilà running inside the trainee's Jupyter server.
    *(
        a
        for a in voila_args(0, cull_idle=IDLE_KERNEL)
        if a.startswith(("--VoilaConfiguration.", "--MappingKernelManager."))
    ),
    "--ServerApp.terminals_enabled=False",
    # Kernels talk over sockets in the trainee's private runtime folder, not on 127.0.0.1
    # ports: thirty servers choosing ports at once collide, and no one else can even knock.
    "--KernelManager.transport=ipc",
]
c.Spawner.default_url = "/voila/render/course/index.ipynb"
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
        "name": "idle-culler",
        "description": "Stop trainees' servers nobody has used for a while",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["idle-culler"],
    },
]
c.JupyterHub.services = [
    {
        "name": "cm101-live",
        "display": True,
        "url": f"http://127.0.0.1:{LIVE_PORT}",
        "command": [sys.executable, str(HERE / "live_service.py")],
        "environment": {
            "CM101_HUB_STATE": str(STATE),
            "MPLCONFIGDIR": str(STATE / "matplotlib"),
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
