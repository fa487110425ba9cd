"""Accounts and editorial commands: user add/list, token, withdraw, articles, queue, audit."""

from __future__ import annotations

import json
import sys

import click

from ..models import Role
from . import app_of, main


@main.group()
def user() -> None:
    """Manage accounts (the first admin is made with `medcite user add NAME --role admin`)."""


@user.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice([r.value for r in Role]), default="reader",
              show_default=True)
@click.option("--name", "display_name", default="", help="Full name shown on reviews.")
@click.option("--credentials", default="", help='e.g. "MD, FACP" (shown on reviewed articles).')
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.pass_context
def user_add(ctx, username, role, display_name, credentials, password_stdin) -> None:
    """Create an account.

    \b
    Example:
        medcite user add amara --role reviewer --name "Amara Osei" --credentials MD
    """
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    made = app_of(ctx).accounts.add_user(username, password, role, display_name, credentials)
    click.echo(f"created {made.role.value} {made.username} (id {made.id})")


@user.command("list")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def user_list(ctx, as_json: bool) -> None:
    """List accounts."""
    users = app_of(ctx).accounts.list()
    if as_json:
        click.echo(json.dumps([{"id": u.id, "username": u.username, "role": u.role.value,
                                "display_name": u.display_name, "credentials": u.credentials,
                                "active": u.active} for u in users], indent=2))
        return
    for u in users:
        state = "" if u.active else " (inactive)"
        click.echo(f"{u.id:>4} {u.username:<20} {u.role.value:<9} {u.display_name}"
                   f"{', ' + u.credentials if u.credentials else ''}{state}")


@user.command("token")
@click.argument("username")
@click.option("--label", default="", help="What the token is for.")
@click.pass_context
def user_token(ctx, username: str, label: str) -> None:
    """Create an API bearer token for USERNAME (printed once)."""
    accounts = app_of(ctx).accounts
    found = accounts.by_name(username)
    if found is None:
        raise click.BadParameter(f"no user {username!r}", param_hint="USERNAME")
    click.echo(accounts.create_token(found.id, label))


@main.command()
@click.argument("source_id")
@click.option("--reason", default="", help="Why it is withdrawn (kept in the record).")
@click.pass_context
def withdraw(ctx, source_id: str, reason: str) -> None:
    """Withdraw a source; articles citing it are flagged for re-review."""
    flagged = app_of(ctx).withdraw(source_id, reason)
    click.echo(f"withdrew {source_id}; {len(flagged)} article(s) flagged for re-review"
               + (f": {', '.join(map(str, flagged))}" if flagged else ""))


@main.command()
@click.option("--state", "states", multiple=True, help="Filter by state (repeatable).")
@click.option("--queue", is_flag=True, help="Only what awaits review or re-review.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def articles(ctx, states, queue: bool, as_json: bool) -> None:
    """List articles (saved answers and handouts) and their review state."""
    editorial = app_of(ctx).editorial
    rows = editorial.queue() if queue else editorial.list(tuple(states))
    if as_json:
        click.echo(json.dumps([a.to_dict() for a in rows], indent=2, ensure_ascii=False))
        return
    for a in rows:
        flag = "  NEEDS RE-REVIEW" if a.needs_rereview else ""
        click.echo(f"{a.id:>4} {a.state.value:<18} v{a.version:<3} {a.kind:<8} {a.title[:60]}{flag}")


@main.command()
@click.option("--limit", type=int, default=50, show_default=True)
@click.pass_context
def audit(ctx, limit: int) -> None:
    """Show the append-only audit log, newest first."""
    for e in app_of(ctx).editorial.audit(limit):
        click.echo(f"{e.at} {e.username:<14} {e.action:<16} {e.target:<12} {e.detail}")
