"""/dumps/: only the files the manifest lists, with validators and ranges."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from flask.testing import FlaskClient

from server.release import current_target


def dumps(built_out: Path) -> list[dict[str, object]]:
    data: list[dict[str, object]] = json.loads(
        (built_out / "current" / "manifest.json").read_text()
    )["dumps"]
    return data


def test_index_lists_every_dump(client: FlaskClient, built_out: Path) -> None:
    listed = {f["name"] for f in client.get("/dumps/").get_json()["files"]}
    assert listed == {Path(str(d["path"])).name for d in dumps(built_out)}


def test_file_bytes_match_the_manifest_checksum(client: FlaskClient, built_out: Path) -> None:
    dump = dumps(built_out)[0]
    with client.get("/dumps/" + Path(str(dump["path"])).name) as response:
        body = response.data
    assert hashlib.sha256(body).hexdigest() == dump["sha256"]


def test_versioned_download_url_works(client: FlaskClient, built_out: Path) -> None:
    version = json.loads((built_out / "current" / "manifest.json").read_text())["dataset_version"]
    with client.get(f"/dumps/{version}/cgkg.ttl") as response:
        assert response.status_code == 200


def test_other_version_is_404(client: FlaskClient) -> None:
    assert client.get("/dumps/0.0.0-none/cgkg.ttl").status_code == 404


def test_file_not_in_the_manifest_is_404(client: FlaskClient) -> None:
    assert client.get("/dumps/manifest.json").status_code == 404


def test_path_traversal_is_404(client: FlaskClient) -> None:
    assert client.get("/dumps/..%2Fmanifest.json").status_code == 404


def test_gzip_dump_is_sent_as_is(client: FlaskClient) -> None:
    with client.get("/dumps/cgkg.ttl.gz", headers={"Accept-Encoding": "gzip"}) as response:
        assert (response.mimetype, "Content-Encoding" in response.headers) == (
            "application/gzip",
            False,
        )


def test_range_request_gets_206(client: FlaskClient) -> None:
    with client.get("/dumps/cgkg.ttl", headers={"Range": "bytes=0-9"}) as response:
        assert (response.status_code, len(response.data)) == (206, 10)


def test_revalidation_gets_304(client: FlaskClient) -> None:
    with client.get("/dumps/cgkg.nt") as response:
        etag = response.headers["ETag"]
    with client.get("/dumps/cgkg.nt", headers={"If-None-Match": etag}) as again:
        assert again.status_code == 304


def test_the_listing_does_not_echo_the_host_header(client):
    listing = client.get("/dumps/", headers={"Host": "evil.example"}).get_json()
    assert all("evil.example" not in f["url"] for f in listing["files"])
    assert listing["files"][0]["url"].startswith("/dumps/")


def test_the_listing_names_the_public_url_when_it_is_set(make_app):
    client = make_app(public_url="https://data.example.org").test_client()
    listing = client.get("/dumps/", headers={"Host": "evil.example"}).get_json()
    assert listing["files"][0]["url"].startswith("https://data.example.org/dumps/")


def test_a_listed_dump_missing_on_disk_is_503_not_500(make_app, tmp_path, built_out):
    out = tmp_path / "out"
    shutil.copytree(current_target(built_out), out / "releases" / "copy")
    (out / "current").symlink_to(Path("releases") / "copy")
    client = make_app(out_dir=out).test_client()
    (out / "releases" / "copy" / "dumps" / "cgkg.ttl").unlink()
    response = client.get("/dumps/cgkg.ttl")
    assert (response.status_code, "Retry-After" in response.headers) == (503, True)
