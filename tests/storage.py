"""Object storage for the tests: a real S3-compatible server spoken to over HTTP with boto3,
exactly as production does, and the same test run on disk and in a bucket.

- ``s3_endpoint`` (session): the server's URL. CI starts moto's standalone server and names
  it in TEST_S3_ENDPOINT_URL; elsewhere the session starts its own ``moto_server`` on a free
  port (moto is a test dependency). With CI=true and no TEST_S3_ENDPOINT_URL, tests fail.
- ``make_bucket(endpoint)``: a fresh, private bucket with a name of its own.
- ``bucket_env(...)`` / ``bucket_storages(...)``: the environment (for another process, such
  as a gunicorn server) or the STORAGES (for this one) that put the private files in it.
- ``file_store``: a fixture parametrized ``["disk", "s3"]``; the test runs once on each.

Import the fixtures into a test module: ``from tests.storage import file_store, s3_endpoint``.
"""

import os
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from tests.conftest import IN_CI

REGION = "us-east-1"
# moto accepts any credentials; a real store would take these from the environment.
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
MOTO_SERVER = Path(sys.executable).with_name("moto_server")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        client(url).list_buckets()
    except (BotoCoreError, ClientError):  # not up yet
        return False
    return True


@pytest.fixture(scope="session")
def s3_endpoint():
    """The URL of an S3-compatible server for this test session."""
    given = os.environ.get("TEST_S3_ENDPOINT_URL", "")
    if given:
        yield given
        return
    if IN_CI:
        pytest.fail("CI=true but TEST_S3_ENDPOINT_URL is unset (.ci/run starts moto_server).")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(  # noqa: S603 - fixed arguments
        [str(MOTO_SERVER), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while not _answers(url):
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"moto_server did not start on port {port}")
            time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def client(endpoint: str):
    """A boto3 client of the server, with the test credentials."""
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        config=Config(retries={"max_attempts": 1}, connect_timeout=2, read_timeout=10),
    )


def make_bucket(endpoint: str) -> str:
    """A new, empty bucket (private, as buckets are made); its name."""
    name = f"bigpicture-test-{uuid.uuid4().hex[:16]}"
    client(endpoint).create_bucket(Bucket=name)
    return name


def bucket_env(endpoint: str, bucket: str, prefix: str = "") -> dict[str, str]:
    """The environment that puts a process's private files in this bucket (the settings'
    FILES_* variables and boto3's credentials)."""
    env = {"FILES_BUCKET": bucket, "FILES_ENDPOINT_URL": endpoint, "FILES_REGION": REGION}
    if prefix:
        env["FILES_PREFIX"] = prefix
    return {**env, **CREDENTIALS}


def bucket_options(endpoint: str, bucket: str, prefix: str = "") -> dict:
    """The S3Storage options bigpicture/settings.py makes from ``bucket_env`` (a test checks
    they stay the same), with the credentials given rather than read from the environment."""
    return {
        "bucket_name": bucket,
        "endpoint_url": endpoint,
        "region_name": REGION,
        "location": prefix,
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": 60,
        "file_overwrite": False,
        "custom_domain": None,
        "client_config": Config(
            connect_timeout=3, read_timeout=20, retries={"max_attempts": 2, "mode": "standard"}
        ),
        "access_key": CREDENTIALS["AWS_ACCESS_KEY_ID"],
        "secret_key": CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    }


def bucket_storages(storages: dict, endpoint: str, bucket: str, prefix: str = "") -> dict:
    """``storages`` (a STORAGES setting) with its private files in this bucket."""
    private = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": bucket_options(endpoint, bucket, prefix),
    }
    return {**storages, "private": private}


def disk_storages(storages: dict, location: Path) -> dict:
    """``storages`` with its private files in this folder."""
    private = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(location), "base_url": None},
    }
    return {**storages, "private": private}


@dataclass
class FileStore:
    """The private store a test runs on, and a way to take it down."""

    kind: str  # "disk" or "s3"
    settings: object  # pytest-django's settings fixture
    location: Path | None = None
    endpoint: str = ""
    bucket: str = ""

    def names(self) -> set[str]:
        """Every stored name, read past the app (the folder, or the bucket's listing)."""
        if self.kind == "disk":
            if not self.location.exists():
                return set()
            found = self.location.rglob("*")
            return {p.relative_to(self.location).as_posix() for p in found if p.is_file()}
        pages = client(self.endpoint).get_paginator("list_objects_v2")
        return {
            entry["Key"]
            for page in pages.paginate(Bucket=self.bucket)
            for entry in page.get("Contents", ())
        }

    def put(self, name: str, content: bytes) -> None:
        """Store bytes under a name past the app (an object left behind, or changed)."""
        if self.kind == "disk":
            path = self.location / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        else:
            client(self.endpoint).put_object(Bucket=self.bucket, Key=name, Body=content)

    def go_down(self) -> None:
        """From now on the store cannot be reached: a bucket on a port nobody listens on, or
        a folder that is not one (a file stands in its place)."""
        storages = self.settings.STORAGES
        if self.kind == "disk":
            blocked = self.location.parent / "not-a-folder"
            blocked.write_bytes(b"")
            self.settings.STORAGES = disk_storages(storages, blocked)
        else:
            nobody = f"http://127.0.0.1:{free_port()}"
            self.settings.STORAGES = bucket_storages(storages, nobody, self.bucket)


@pytest.fixture(params=["disk", "s3"])
def file_store(request, settings, tmp_path) -> FileStore:
    """The private files on disk, then (the same test again) in a fresh bucket."""
    if request.param == "disk":
        location = tmp_path / "private"
        settings.STORAGES = disk_storages(settings.STORAGES, location)
        return FileStore("disk", settings, location=location)
    endpoint = request.getfixturevalue("s3_endpoint")
    bucket = make_bucket(endpoint)
    settings.STORAGES = bucket_storages(settings.STORAGES, endpoint, bucket)
    return FileStore("s3", settings, endpoint=endpoint, bucket=bucket)
