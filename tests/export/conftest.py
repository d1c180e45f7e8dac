"""The SCORM package, built once per test session (a second or two: fast enough for every
change), and unpacked as a platform unpacks it."""

from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import Path

import pytest

from cmcourse.export.scorm.build import Built, build_package


@pytest.fixture(scope="session")
def scorm_built() -> Built:
    return build_package()


@pytest.fixture(scope="session")
def scorm_zip(scorm_built: Built) -> bytes:
    return scorm_built.zip_bytes()


@pytest.fixture(scope="session")
def scorm_dir(scorm_zip: bytes, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("scorm-package")
    with zipfile.ZipFile(BytesIO(scorm_zip)) as archive:
        archive.extractall(folder)
    return folder
