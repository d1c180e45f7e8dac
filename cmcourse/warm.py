"""Draw the course's figures and dashboards once, into the cache every kernel reads
(`python -m cmcourse.warm`; the course server starts it beside Voilà, so no trainee waits for a
drawing). Each drawing is written whole then renamed: stopping this half-way breaks nothing."""

from __future__ import annotations

from cmcourse.lessons import figures
from cmcourse.supervision import dashboards


def main() -> None:
    figures.warm()
    dashboards.warm()


if __name__ == "__main__":
    main()
