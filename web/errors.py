"""Error pages: an expired form (CSRF) and every HTTP error get a page through base.html, in the
session's language, with a way back -- never Werkzeug's bare English page."""
from __future__ import annotations

from flask import current_app, g, render_template, request, session, url_for
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RoutingException

from web.i18n import _
from web.security import services

MEGABYTE = 1024 * 1024


def explanation(code: int) -> tuple[str, str]:
    """(title, what happened) for an HTTP status, in the session's language."""
    limit = max((current_app.config.get("MAX_CONTENT_LENGTH") or 0) // MEGABYTE, 1)
    known = {
        400: (_("リクエストが正しくありません"), _("送られた内容を受け付けられませんでした。何も変更していません。")),
        403: (_("権限がありません"), _("この操作はあなたの役割ではできません。必要なら管理者に依頼してください。")),
        404: (_("ページが見つかりません"), _("アドレスが違うか、表示するものが削除されています。")),
        405: (_("この操作はできません"), _("このページはこの方法では開けません。メニューから開き直してください。")),
        413: (_("ファイルが大きすぎます"), _("送れるのは{limit}MBまでです。何も変更していません。", limit=limit)),
        500: (_("内部エラーが発生しました"),
              _("処理の途中で問題が起きました。反映されたか元のページで確かめ、続くときは管理者に連絡してください。")),
    }
    return known.get(code) or (_("エラー（{code}）", code=code), _("この操作を完了できませんでした。"))


def page_before() -> str:
    """The nearest page at or above the request's path that answers GET: a form posted to
    /invoices/7/paid came from /invoices/7, one posted to /imports/upload from /imports/.
    A GET that failed starts one level up; nothing found is the dashboard."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    path = request.path
    if request.method != "GET" and _same_page(adapter, path):
        return path                                   # the page at the same address shows the form
    while (path := path.rstrip("/").rsplit("/", 1)[0]) not in ("", "/"):
        for candidate in (path, path + "/"):
            if _page_at(adapter, candidate) is not None:
                return candidate
    return url_for("dashboard.index")


def _same_page(adapter, path: str) -> bool:
    """Whether a GET at `path` is the page of the same thing that was posted to: the same view
    arguments (POST /staff/3 -> GET /staff/3), not a pattern that happens to match
    (POST /imports/upload is not the preview of an upload called "upload")."""
    page = _page_at(adapter, path)
    return page is not None and page[1] == (request.view_args or {})


def _page_at(adapter, path: str) -> tuple[str, dict] | None:
    """(endpoint, view arguments) of the page a GET at `path` shows; None for none or a static file."""
    try:
        endpoint, args = adapter.match(path, method="GET")
    except HTTPException:
        return None
    return None if endpoint == "static" else (endpoint, args)


def current_user():
    """g.user, loaded here when the error came before web.security's before_request (CSRF)."""
    if getattr(g, "user", None) is None and session.get("user_id") is not None:
        g.user = services().user(session["user_id"])
    return getattr(g, "user", None)


def error_page(code: int, title: str, text: str, user):
    back = page_before()
    if user is None and request.endpoint != "auth.login":
        link, label = url_for("auth.login", next=back), _("ログインし直す")
    elif back == url_for("dashboard.index"):
        link, label = back, _("ダッシュボードへ")
    else:
        link, label = back, _("戻る")
    return render_template("error.html", title=title, text=text, link=link, label=label), code


def register(app) -> None:
    @app.errorhandler(CSRFError)
    def expired_form(error):
        """The form's token is missing or stale: the page was open too long or the login ended."""
        return error_page(400, _("もう一度操作してください"),
                          _("ページを開いてから時間がたったか、ログインが切れました。何も変更していません。"),
                          current_user())

    @app.errorhandler(HTTPException)
    def http_error(error):
        if isinstance(error, RoutingException) or error.code is None or error.code < 400:
            return error
        g.user = getattr(g, "user", None)        # not loaded again: the fault may be in the database
        return error_page(error.code, *explanation(error.code), g.user)
