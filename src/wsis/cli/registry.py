"""``wsis registry ...``: init, user add|list|disable|role|tokens, import, export, backup, restore."""

from __future__ import annotations

import json
from pathlib import Path

import typer

registry_app = typer.Typer(help="The stocktaking and commitments registry.", no_args_is_help=True)
user_app = typer.Typer(help="Registry accounts.", no_args_is_help=True)
registry_app.add_typer(user_app, name="user")


def _system():
    from wsis.registry.policy import SYSTEM  # imported lazily: `wsis --help` must start fast

    return SYSTEM


def _reg():
    """The registry of the process settings; its vocabularies come from the current release when one has
    been built (so no data dir is needed), else from the data dir."""
    from wsis.query import current_release
    from wsis.registry.db import get_registry
    from wsis.settings import get_settings
    from wsis.web.deps import registry_vocabulary

    settings = get_settings()
    reg = get_registry(settings)
    if current_release(settings) is not None:
        reg.use_vocabulary(lambda: registry_vocabulary(settings))
    return reg


@registry_app.command("init")
def init() -> None:
    """Create or upgrade the database and seed deliverables and road maps."""
    from wsis.registry.tracking import seed_reference

    reg = _reg()
    reg.migrate()
    typer.echo(json.dumps(seed_reference(reg)))


@user_app.command("add")
def user_add(email: str, role: str = typer.Option("contributor", help="contributor, moderator or admin"),
             name: str = typer.Option("", help="display name"),
             organisation: str = typer.Option("", help="organisation the account works for (four-eyes "
                                                        "moderation: its entries need another moderator)"),
             password: str = typer.Option(..., prompt=True, hide_input=True, confirmation_prompt=True,
                                          envvar="WSIS_REGISTRY_PASSWORD", help="at least 10 characters")) -> None:
    """Create an account."""
    from wsis.registry.auth import create_user

    typer.echo(json.dumps(create_user(_reg(), _system(), email, password, role, name, organisation)))


@user_app.command("list")
def user_list() -> None:
    """Every account: id, e-mail, role, active, organisation, live API tokens."""
    from wsis.registry.admin import list_users

    for row in list_users(_reg(), _system()):
        typer.echo(json.dumps(row))


@user_app.command("disable")
def user_disable(email: str, enable: bool = typer.Option(False, "--enable", help="enable the account again")) -> None:
    """Disable an account (its sessions end and its tokens stop at once), or enable it again."""
    from wsis.registry.admin import set_active

    typer.echo(json.dumps(set_active(_reg(), _system(), email, enable)))


@user_app.command("role")
def user_role(email: str, role: str = typer.Argument(..., help="contributor, moderator or admin")) -> None:
    """Set an account's role."""
    from wsis.registry.admin import set_role

    typer.echo(json.dumps(set_role(_reg(), _system(), email, role)))


@user_app.command("tokens")
def user_tokens(email: str,
                revoke: str = typer.Option(None, help="'all', or the id of one token to revoke")) -> None:
    """List an account's API tokens, or revoke one or all of them."""
    from wsis.errors import WsisError
    from wsis.registry import admin

    if revoke is None:
        for row in admin.list_tokens(_reg(), _system(), email):
            typer.echo(json.dumps(row))
        return
    if revoke != "all" and not (revoke.isdigit() and 0 < int(revoke) < 2**31):
        raise WsisError("bad-parameter", f"--revoke {revoke[:20]!r}", column="--revoke", expected="all or a token id")
    token_id = None if revoke == "all" else int(revoke)
    typer.echo(json.dumps(admin.revoke_tokens(_reg(), _system(), email, token_id)))


def _operator_as(reg, as_user: str):
    """The CLI is the trusted operator on the server: it acts as the system, owning rows as that account."""
    from sqlalchemy import select

    from wsis.errors import WsisError
    from wsis.registry.models import User
    from wsis.registry.policy import Actor

    with reg.read() as s:
        user = s.scalar(select(User).where(User.email == as_user.strip().lower()))
    if user is None:
        raise WsisError("not-found", f"no account {as_user}", column="--as", expected="an existing e-mail")
    return Actor(user_id=user.id, role="admin", scopes=_system().scopes, via="system")


@registry_app.command("import")
def import_(csv_path: Path, as_user: str = typer.Option(..., "--as", help="e-mail of the owning account"),
            approve: bool = typer.Option(False, help="publish the rows at once"),
            kind: str = typer.Option("initiatives", help="initiatives | igf-forums | igf-outputs")) -> None:
    """Import a CSV of initiatives (or IGF forums/outputs): every row is validated; all rows or none are written."""
    from wsis.errors import WsisError
    from wsis.registry.opendata import import_csv

    reg = _reg()
    actor = _operator_as(reg, as_user)
    if kind in ("igf-forums", "igf-outputs"):
        from wsis.registry.igf import import_csv as import_igf

        res = import_igf(reg, actor, csv_path, kind.removeprefix("igf-"), approve=approve)
    elif kind == "initiatives":
        res = import_csv(reg, actor, csv_path, approve=approve)
    else:
        raise WsisError("bad-parameter", f"--kind {kind[:30]!r}", column="--kind",
                        expected="initiatives, igf-forums or igf-outputs")
    typer.echo(json.dumps({k: v for k, v in res.items() if k != "ids"} | {"first_id": (res["ids"] or [None])[0]}))


@registry_app.command("import-commitments")
def import_commitments_(csv_path: Path, as_user: str = typer.Option(..., "--as", help="e-mail of the owning account"),
                        approve: bool = typer.Option(False, help="publish the rows at once")) -> None:
    """Import a CSV of commitments (columns of the export's commitments.csv): all rows or none are written."""
    from wsis.registry.commitment_import import import_commitments

    reg = _reg()
    res = import_commitments(reg, _operator_as(reg, as_user), csv_path, approve=approve)
    typer.echo(json.dumps({k: v for k, v in res.items() if k != "ids"} | {"first_id": (res["ids"] or [None])[0]}))


@registry_app.command("export")
def export(out: Path) -> None:
    """Write every public record as CSV, JSON and a Frictionless data package into the folder OUT."""
    from wsis.registry.opendata import export_all

    typer.echo(json.dumps(export_all(_reg(), out)))


@registry_app.command("backup")
def backup(out: Path) -> None:
    """Consistent copy while the server runs (SQLite file for .sqlite/.db, else a JSON dump; .gz compresses)."""
    from wsis.registry.backup import backup as run

    typer.echo(json.dumps(run(_reg(), _system(), out)))


@registry_app.command("restore")
def restore(src: Path) -> None:
    """Replace the registry's content with a backup."""
    from wsis.registry.backup import restore as run

    typer.echo(json.dumps(run(_reg(), _system(), src), default=str))


def register(app: typer.Typer) -> None:
    """Add the ``registry`` command group."""
    app.add_typer(registry_app, name="registry")
