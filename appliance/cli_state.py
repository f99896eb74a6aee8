"""`tokusoku outbox` and `tokusoku inbox`: what was sent and received, newest first."""
from __future__ import annotations

import json

from appliance.cli_db import database_option
from appliance.failures import explain

STATUS_JA = {"queued": "送信待ち", "sending": "送信中", "sent": "送信済", "delivered": "配達済",
             "failed": "失敗", "expired": "期限切れ", "retry": "再送待ち", "uncertain": "要確認",
             "cancelled": "取消"}


def add_parsers(commands) -> None:
    for name, handler, help_text in (("outbox", _outbox, "messages sent and waiting"),
                                     ("inbox", _inbox, "messages received")):
        command = commands.add_parser(name, parents=[database_option()], help=help_text)
        command.add_argument("--json", action="store_true")
        command.add_argument("--limit", type=int, default=50, help="newest N (default 50; 0: all)")
        command.set_defaults(handler=handler)


def _rows(args, sql: str) -> list[dict]:
    from appliance.cli_db import open_database
    db = open_database(args)
    limit = f" LIMIT {int(args.limit)}" if args.limit else ""
    return [dict(row) for row in db.query(sql + limit)]


def _outbox(args) -> int:
    rows = _rows(args, "SELECT id, kind, recipient, status, parts, body, not_before, sent_at, delivered_at,"
                       " attempts, last_error FROM outbox ORDER BY id DESC")
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for r in rows:
        print(f"{r['id']:>6} {STATUS_JA.get(r['status'], r['status']):<5} {r['recipient']:<14} "
              f"{r['parts']}通 {r['body'][:40]}" + (f"  {_failure(r['last_error'])}" if r["last_error"] else ""))
    if not rows:
        print("（送信履歴はありません）")
    return 0


def _failure(error: str) -> str:
    """A stored send error in staff's words, with the modem's own text for support."""
    words = explain(error)
    return f"{words}（{error}）" if words else f"({error})"


def _inbox(args) -> int:
    rows = _rows(args, "SELECT i.id, i.sender, c.name AS customer, i.kind, i.rule, i.text, i.received_at,"
                       " i.conversation_id FROM inbox i LEFT JOIN conversations v ON v.id = i.conversation_id"
                       " LEFT JOIN customers c ON c.id = v.customer_id ORDER BY i.id DESC")
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for r in rows:
        who = r["customer"] or r["sender"]
        print(f"{r['id']:>6} #{r['conversation_id'] or '-'} {_local(r['received_at'])} {who}: {r['text'][:60]}"
              + (f"  [{r['rule']}]" if r["rule"] else ""))
    if not rows:
        print("（受信はありません）")
    return 0


def _local(stamp: str) -> str:
    """A stored UTC timestamp as Japan time, 'YYYY-MM-DD HH:MM'."""
    from datetime import datetime
    from appliance.clock import TOKYO
    return f"{datetime.fromisoformat(stamp).astimezone(TOKYO):%Y-%m-%d %H:%M}"
