"""python -m cmcourse.server: the course server (Voilà with the course's sign-in)."""

from cmcourse.server.app import main

if __name__ == "__main__":
    main()
