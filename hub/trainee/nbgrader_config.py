"""nbgrader for trainees on the CM 101 hub (found through JUPYTER_CONFIG_PATH, set by the hub)."""

import os

c = get_config()  # noqa: F821 - provided by nbgrader when it loads this file

c.CourseDirectory.course_id = "cm101"
c.Exchange.root = os.environ.get("CM101_EXCHANGE", "/srv/nbgrader/exchange")
# Submissions carry the hub name (amina), not the system account's (cm101-amina).
if os.environ.get("JUPYTERHUB_USER"):
    c.CourseDirectory.student_id = os.environ["JUPYTERHUB_USER"]
