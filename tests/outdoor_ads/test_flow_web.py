"""The permit process over HTTP as the role users: every path of domain §2."""

import pytest
from viewflow.workflow.status import PROCESS

from outdoor_ads.flows import PermitFlow
from outdoor_ads.models import Opinion, Permit, PermitApplication
from workflows.documents.selectors import documents_for

from .support import grant_through_web, latest_application, open_task, web_act, web_apply

pytestmark = pytest.mark.django_db
Status = PermitApplication.Status


def test_grant_path_through_the_web(client_as):
    response = web_apply(client_as("applicant"))
    assert response.status_code == 302
    application = latest_application()
    assert application.status == Status.SUBMITTED
    assert application.attachments.count() == 4

    grant_through_web(client_as, application)

    application.refresh_from_db()
    assert application.status == Status.DELIVERED
    assert application.process.status == PROCESS.DONE
    permit = Permit.objects.get(application=application)
    assert permit.holder.username == "applicant"
    assert permit.valid_until.isoformat() == "2028-11-30"
    steps = list(application.opinions.values_list("step", "author__username"))
    assert steps == [
        (Opinion.Step.ACCEPTANCE, "clerk"),
        (Opinion.Step.REVIEW, "reviewer"),
        (Opinion.Step.COUNTERSIGN, "reviewer2"),
        (Opinion.Step.DECISION, "chief"),
        (Opinion.Step.DELIVERY, "clerk"),
    ]
    page = client_as("applicant").get(f"/ads/applications/{application.pk}/").content.decode()
    assert "Permit delivered" in page or "许可证已送达" in page


def test_refuse_path(client_as):
    web_apply(client_as("applicant"))
    application = latest_application()
    web_act(client_as("clerk"), application, PermitFlow.accept, {"decision": "accept"})
    web_act(
        client_as("reviewer"),
        application,
        PermitFlow.review,
        {"decision": "recommend_refuse", "comment": "遮挡消防通道"},
    )
    web_act(client_as("reviewer2"), application, PermitFlow.countersign, {"decision": "agree"})
    response = web_act(
        client_as("chief"), application, PermitFlow.decide, {"decision": "refuse", "comment": "设置位置遮挡消防通道"}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.REFUSED
    assert application.refusal_reason == "设置位置遮挡消防通道"
    assert application.process.status == PROCESS.DONE
    assert not Permit.objects.filter(application=application).exists()
    refusal = documents_for(application).get(kind="ad_refusal")
    assert refusal.data["reasons"] == "设置位置遮挡消防通道"
    assert refusal.number == "昭住建广不许〔2026〕1号"


def test_refuse_to_accept_says_where_to_apply(client_as):
    web_apply(client_as("applicant"))
    application = latest_application()
    missing = web_act(
        client_as("clerk"), application, PermitFlow.accept, {"decision": "refuse", "comment": "不属于本机关职权"}
    )
    assert missing.status_code == 200
    assert "请告知申请人应向哪个机关申请。" in missing.content.decode()
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    response = web_act(
        client_as("clerk"),
        application,
        PermitFlow.accept,
        {"decision": "refuse", "comment": "不属于本机关职权", "competent_authority": "昭通市自然资源和规划局"},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.NOT_ACCEPTED
    assert application.competent_authority == "昭通市自然资源和规划局"
    notice = documents_for(application).get(kind="ad_refuse_acceptance")
    assert notice.data["competent_authority"] == "昭通市自然资源和规划局"
    assert application.process.status == PROCESS.DONE


def test_countersign_cannot_be_the_first_reviewer(client_as):
    web_apply(client_as("applicant"))
    application = latest_application()
    web_act(client_as("clerk"), application, PermitFlow.accept, {"decision": "accept"})
    web_act(client_as("reviewer"), application, PermitFlow.review, {"decision": "recommend_grant", "comment": "同意"})
    task = open_task(application, PermitFlow.countersign)
    assert client_as("reviewer").post(task.reverse("assign")).status_code == 403
    task.refresh_from_db()
    assert task.owner is None


def test_countersign_disagreement_returns_to_review(client_as):
    web_apply(client_as("applicant"))
    application = latest_application()
    web_act(client_as("clerk"), application, PermitFlow.accept, {"decision": "accept"})
    web_act(client_as("reviewer"), application, PermitFlow.review, {"decision": "recommend_grant", "comment": "同意"})
    web_act(
        client_as("reviewer2"), application, PermitFlow.countersign, {"decision": "disagree", "comment": "尺寸超标"}
    )
    assert open_task(application).flow_task is PermitFlow.review


def test_wrong_role_gets_403_on_a_task(client_as):
    web_apply(client_as("applicant"))
    application = latest_application()
    task = open_task(application, PermitFlow.accept)
    assert client_as("reviewer").post(task.reverse("assign")).status_code == 403
    assert client_as("applicant").get(task.reverse("detail")).status_code == 403


def test_other_county_staff_get_404_on_the_task_and_the_page(client_as):
    web_apply(client_as("applicant"))
    application = latest_application()
    task = open_task(application, PermitFlow.accept)
    client = client_as("reviewer_ludian")
    assert client.get(task.reverse("detail")).status_code == 404
    assert client.get(f"/ads/applications/{application.pk}/").status_code == 404
    assert client_as("applicant2").get(f"/ads/applications/{application.pk}/").status_code == 404


def test_task_url_with_another_process_or_node_is_404(client_as):
    web_apply(client_as("applicant"))
    first = latest_application()
    web_apply(client_as("applicant"))
    second = latest_application()
    task = open_task(first, PermitFlow.accept)
    clerk = client_as("clerk")
    good = f"/permit/{task.process_id}/accept/{task.pk}/detail/"
    assert clerk.get(good).status_code == 200
    other_process = open_task(second, PermitFlow.accept).process_id
    assert clerk.get(f"/permit/{other_process}/accept/{task.pk}/detail/").status_code == 404
    assert clerk.get(f"/permit/{task.process_id}/review/{task.pk}/detail/").status_code == 404
    assert clerk.post(f"/permit/{other_process}/accept/{task.pk}/assign/").status_code == 404
    task.refresh_from_db()
    assert task.owner is None


def test_staff_cannot_apply_and_applicant_cannot_see_the_flow(client_as):
    assert client_as("clerk").get("/ads/apply/wall_sign/").status_code == 403
    assert client_as("applicant").get("/permit/").status_code == 403


def test_viewflow_lists_are_scoped_to_the_county(client_as, demo_users):
    from django.contrib.auth.models import Group

    web_apply(client_as("applicant"))
    application = latest_application()
    task = open_task(application, PermitFlow.accept)
    link = f"/permit/{task.process_id}/accept/{task.pk}/"
    demo_users["reviewer_ludian"].groups.add(Group.objects.get(name="role:clerk"))
    process_link = f'href="/permit/{task.process_id}/"'
    for path, needle in [
        ("/permit/queue/", link),
        ("/permit/tasks/", link),
        ("/permit/", link),
        ("/permit/flows/", process_link),
    ]:
        assert needle in client_as("clerk").get(path).content.decode(), path
        other = client_as("reviewer_ludian").get(path)
        assert other.status_code == 200
        assert needle not in other.content.decode(), path


def test_process_list_is_ordered_newest_first_for_stable_pages(client_as):
    import re
    import warnings

    from django.core.paginator import UnorderedObjectListWarning

    web_apply(client_as("applicant"))
    first = latest_application()
    web_apply(client_as("applicant"))
    second = latest_application()
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnorderedObjectListWarning)
        page = client_as("clerk").get("/permit/flows/")
    assert page.status_code == 200
    ids = [int(i) for i in re.findall(r'href="/permit/(\d+)/"', page.content.decode())]
    ordered = list(dict.fromkeys(ids))
    assert ordered[:2] == [second.process.pk, first.process.pk]
