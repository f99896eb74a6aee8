"""`tokusoku user add NAME --role admin|staff|viewer`: a person who may use the admin page.

The password is asked twice on the terminal (never an argument: it would stay in the shell
history and the process list), or read from standard input with --password-stdin (first line).
"""
from __future__ import annotations

import getpass
import sys

from appliance.cli_db import database_option
from appliance.users import MIN_PASSWORD, ROLES, UserError


def add_parsers(commands) -> None:
    user = commands.add_parser("user", help="people who use the admin page")
    actions = user.add_subparsers(dest="user_command", required=True)
    add = actions.add_parser("add", parents=[database_option()],
                             help="add a user (the password is asked, or read with --password-stdin)")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    add.set_defaults(handler=_add)


def _password(args) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(f"パスワード（{MIN_PASSWORD}文字以上）: ")
    if getpass.getpass("もう一度: ") != first:
        raise UserError("確認用のパスワードが一致しません")
    return first


def _add(args) -> int:
    from appliance.cli_db import open_database
    from appliance.clock import Clock
    from appliance.users import create
    db = open_database(args, create=True)     # a wrong --db is told before the password is asked
    try:
        password = _password(args)
        user = create(db, args.name, password, args.role, Clock().now(), actor="cli")
    except UserError as error:
        print(f"tokusoku user add: {error}", file=sys.stderr)
        return 1
    except EOFError:
        print("tokusoku user add: パスワードが入力されませんでした", file=sys.stderr)
        return 1
    print(f"ユーザー「{user.name}」（{user.role}）を追加しました")
    return 0
