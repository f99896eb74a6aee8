"""People who use the admin page: roles, scrypt-hashed passwords, throttled logins."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from werkzeug.security import check_password_hash, generate_password_hash

from appliance.clock import iso
from appliance.db import Database

ROLES = ("admin", "staff", "viewer")
MIN_PASSWORD = 10
# After this many failures for a name (or from an address) within the window, logins wait.
MAX_FAILURES, FAILURE_WINDOW = 5, timedelta(minutes=15)


class UserError(ValueError):
    """A user that cannot be created, or a login that is refused; the message is for people."""


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str

    def can(self, action: str) -> bool:
        """'view' everyone; 'send' (invoices, sending, replies) staff and admin; 'admin' admin only."""
        return {"view": True, "send": self.role in ("admin", "staff"), "admin": self.role == "admin"}[action]


def count(db: Database) -> int:
    return db.one("SELECT count(*) FROM users")[0]


def create(db: Database, name: str, password: str, role: str, now: datetime, actor: str) -> User:
    name = name.strip()
    if not name:
        raise UserError("ユーザー名を入力してください")
    if role not in ROLES:
        raise UserError(f"役割は {', '.join(ROLES)} のいずれかです")
    if len(password) < MIN_PASSWORD:
        raise UserError(f"パスワードは{MIN_PASSWORD}文字以上にしてください")
    with db.write() as conn:
        if conn.execute("SELECT 1 FROM users WHERE name=?", (name,)).fetchone():
            raise UserError(f"ユーザー「{name}」はすでにあります")
        user_id = conn.execute("INSERT INTO users (name, password_hash, role, created_at) VALUES (?,?,?,?)",
                               (name, generate_password_hash(password, method="scrypt"), role, iso(now))).lastrowid
        conn.execute("INSERT INTO audit (at, actor, action, detail) VALUES (?,?,?,?)",
                     (iso(now), actor, "user.add", f"{name} ({role})"))
    return User(user_id, name, role)


def authenticate(db: Database, name: str, password: str, address: str, now: datetime) -> User:
    """The user, or UserError (wrong name or password, or too many failures lately)."""
    since = iso(now - FAILURE_WINDOW)
    failures = db.one("SELECT count(*) FROM login_failures WHERE (name=? OR address=?) AND at > ?",
                      (name, address, since))[0]
    if failures >= MAX_FAILURES:
        raise UserError("ログインの失敗が続いたため、15分ほど待ってからお試しください")
    row = db.one("SELECT * FROM users WHERE name=?", (name,))
    if row is None or not check_password_hash(row["password_hash"], password):
        with db.write() as conn:
            conn.execute("INSERT INTO login_failures (name, address, at) VALUES (?,?,?)", (name, address, iso(now)))
        raise UserError("ユーザー名またはパスワードが違います")
    with db.write() as conn:
        conn.execute("DELETE FROM login_failures WHERE name=?", (name,))
    return User(row["id"], row["name"], row["role"])


def get(db: Database, user_id: int) -> User | None:
    row = db.one("SELECT id, name, role FROM users WHERE id=?", (user_id,))
    return User(row["id"], row["name"], row["role"]) if row else None
