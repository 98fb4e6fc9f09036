"""Events out: the outbox written with the act, polled by visibility, pushed signed to a webhook."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from workflows.events import SIGNATURE_HEADER, deliver, deliver_event
from workflows.models import Event, Webhook

from .support import token_client
from .test_conventions import apply_data, drive_to_permit

pytestmark = pytest.mark.django_db


def test_events_are_written_with_the_act_and_scoped(demo_users):
    applicant = token_client("applicant")
    detail = drive_to_permit(applicant)
    kinds = list(Event.objects.order_by("pk").values_list("kind", flat=True))
    assert kinds.count("application.accepted") == 1
    assert kinds.count("application.decided") == 1
    assert kinds.count("task.created") >= 5
    mine = applicant.get("/api/events/").json()
    assert {e["kind"] for e in mine} >= {"application.accepted", "application.decided", "task.created"}
    assert all(e["subject_id"] == detail["id"] for e in mine)
    assert token_client("applicant2").get("/api/events/").json() == []
    assert token_client("reviewer_ludian").get("/api/events/").json() == []
    clerk = token_client("clerk").get("/api/events/").json()
    assert [e["id"] for e in clerk] == sorted(e["id"] for e in clerk)
    after = clerk[2]["id"]
    assert [e["id"] for e in token_client("clerk").get(f"/api/events/?after={after}").json()] == [
        e["id"] for e in clerk if e["id"] > after
    ]
    # A refused act writes no event.
    before = Event.objects.count()
    bad = applicant.post("/api/permits/", apply_data(width_m="-1"), format="multipart")
    assert bad.status_code == 400
    assert Event.objects.count() == before


class _Receiver(BaseHTTPRequestHandler):
    received: list[tuple[dict[str, str], bytes]] = []

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((dict(self.headers), body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        return


def test_webhook_delivery_is_signed(demo_users):
    server = HTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        hook = Webhook.objects.create(url=f"http://127.0.0.1:{server.server_port}/hook", secret="s3cret-platform")
        drive_to_permit(token_client("applicant"))
        event = Event.objects.filter(kind="application.decided").get()
        assert deliver(hook, event) == 204
        headers, body = _Receiver.received[-1]
        expected = "sha256=" + hmac.new(b"s3cret-platform", body, hashlib.sha256).hexdigest()
        assert headers[SIGNATURE_HEADER] == expected
        assert json.loads(body)["kind"] == "application.decided"
        assert json.loads(body)["id"] == event.pk
        # The Celery task (what on_commit schedules) delivers the same way.
        deliver_event.apply(args=(hook.pk, event.pk)).get()
        assert len(_Receiver.received) == 2
    finally:
        server.shutdown()
    # The receiver is gone: delivery raises, so the Celery task retries.
    with pytest.raises(OSError):
        deliver(hook, event, timeout=2)
