"""The deployment file: replicas in order, each with a health URL and a way to switch it;
the balancer optional; anything else is a clear error."""

from __future__ import annotations

from pathlib import Path

import pytest

from deploy.inventory import Inventory, InventoryError

EXAMPLE = """
[balancer]
haproxy_socket = "/run/haproxy/admin.sock"
backend = "cgkg"

[[replica]]
name = "r1"
health = "http://10.0.0.11:8000/health"
out = "/srv/cgkg/build"

[[replica]]
name = "r2"
health = "http://10.0.0.12:8000/health"
switch = ["ssh", "cgkg@10.0.0.12", "cgkg", "rollout", "switch", "--out", "/srv/cgkg/build"]
"""


def load(tmp_path: Path, text: str) -> Inventory:
    path = tmp_path / "deploy.toml"
    path.write_text(text, encoding="utf-8")
    return Inventory.load(path)


def test_the_documented_example_is_read(tmp_path: Path) -> None:
    inventory = load(tmp_path, EXAMPLE)
    r1, r2 = inventory.replicas
    assert (r1.name, r1.out, r2.name, r2.switch_command[:2]) == (
        "r1",
        Path("/srv/cgkg/build"),
        "r2",
        ("ssh", "cgkg@10.0.0.12"),
    )
    assert inventory.balancer is not None
    assert inventory.balancer.backend == "cgkg"


def test_the_example_is_the_one_in_the_docs() -> None:
    docs = (Path(__file__).parents[2] / "docs" / "deployment.md").read_text(encoding="utf-8")
    assert EXAMPLE.strip() in docs


def test_without_a_balancer_nothing_is_drained(tmp_path: Path) -> None:
    text = EXAMPLE.split("[[replica]]", 1)[1]
    assert load(tmp_path, "[[replica]]" + text).balancer is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "lists no"),
        ("[[replica]]\nname = 'r1'\n", "needs a name and a health URL"),
        ("[[replica]]\nname = 'r1'\nhealth = 'file:///etc/passwd'\nout = '/x'\n", "http"),
        ("[[replica]]\nname = 'r1'\nhealth = 'http://h/health'\n", "one of `out` and `switch`"),
        ("[[replica]]\nname='a'\nhealth='http://h/'\nswitch='ssh h'\n", "list of strings"),
        ("[balancer]\nbackend = 'b'\n[[replica]]\nname='a'\nhealth='http://h/'\nout='/x'\n",
         "haproxy_socket"),
        ("[[replica]\n", "cannot read"),
    ],
)  # fmt: skip
def test_a_file_that_is_no_deployment_is_a_clear_error(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(InventoryError, match=message):
        load(tmp_path, text)


def test_two_replicas_of_one_name_are_refused(tmp_path: Path) -> None:
    replica = "[[replica]]\nname = 'r1'\nhealth = 'http://h/health'\nout = '/x'\n"
    with pytest.raises(InventoryError, match="same name"):
        load(tmp_path, replica * 2)
