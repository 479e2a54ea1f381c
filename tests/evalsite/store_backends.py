"""A fixture that runs a test once with the app's files in a local folder and once on the S3 server (moto),
whatever ``TEST_STORAGE`` says, for the promises that must hold on both backends."""
from __future__ import annotations

import uuid

import pytest

from evalsite.storage import storage_from_settings


@pytest.fixture(params=["local", "s3"])
def backend(request, app, tmp_path):
    """The app's store (a fresh folder or a fresh S3 prefix), also as this test sees it."""
    if request.param == "local":
        app.config.update(STORAGE_URL=None, STORAGE_DIR=str(tmp_path / "store"))
    else:
        from tests.conftest import s3_settings

        app.config.update(s3_settings(request.getfixturevalue("s3_endpoint"), f"b-{uuid.uuid4().hex[:12]}"))
    app.extensions.pop("evalsite.storage", None)
    app.extensions.pop("evalsite.scratch_storage", None)
    return storage_from_settings(app.config)


def scratch_of(app):
    """The scratch area (parked imports) of the app's store."""
    from evalsite.storage import SCRATCH_AREA

    return storage_from_settings(app.config, area=SCRATCH_AREA)
