"""The server ``confide serve`` runs: waitress, with Django behind confide.web.proxy (the one place that
believes forwarded headers, from CONFIDE_TRUSTED_PROXIES only).

A request so malformed that waitress refuses it before Django sees it (a bad request line or header, headers
over waitress's limit, a body over its limit) is answered by waitress itself, in text/plain. Here that answer
is an RFC 9457 problem document, like every other error under /api/: waitress does not know the path of a
request whose headers it stopped reading, so it is one for every path."""

from __future__ import annotations

from django.conf import settings
from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer, MultiSocketServer, create_server
from waitress.task import ErrorTask

from confide.api.problems import MEDIA_TYPE, problem
from confide.web.proxy import Wsgi, behind_proxies


class _ProblemErrorTask(ErrorTask):  # type: ignore[misc]
    def execute(self) -> None:
        error = self.request.error
        body = problem(error.code, error.body).content  # the API's own problem document (confide.api.problems)
        self.status = f"{error.code} {error.reason}"
        self.response_headers.append(("Content-Type", MEDIA_TYPE))
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


class _Channel(HTTPChannel):  # type: ignore[misc]
    error_task_class = _ProblemErrorTask


def confide_server(*, app: Wsgi, host: str, port: int, threads: int) -> BaseWSGIServer | MultiSocketServer:
    trusting = behind_proxies(app, trusted=settings.CONFIDE_TRUSTED_PROXIES, count=settings.CONFIDE_PROXY_COUNT)
    listening: dict[int, object] = {}
    # waitress's own handling would strip every forwarded header first (it trusts no proxy here).
    server = create_server(
        trusting,
        map=listening,
        host=host,
        port=port,
        threads=threads,
        ident="confide",
        clear_untrusted_proxy_headers=False,
    )
    for each in listening.values():  # every listening socket's server (one per address host names)
        each.channel_class = _Channel  # type: ignore[attr-defined]
    return server
