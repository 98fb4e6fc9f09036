"""Object access per county and per owner: anything not yours is a 404, like a missing object."""

import pytest
from django.urls import reverse

from outdoor_ads.services import application_submit
from workflows.models import County

pytestmark = pytest.mark.django_db


@pytest.fixture
def zhaoyang_application(demo_users):
    return application_submit(
        acting_user=demo_users["applicant"],
        county=County.objects.get(name="昭阳区"),
        facility_type="wall_sign",
        address="昭阳区珠泉路88号",
    )


def detail_url(application):
    return reverse("ads:application_detail", kwargs={"pk": application.pk})


@pytest.mark.parametrize("username", ["applicant", "reviewer", "clerk", "chief", "supervisor"])
def test_owner_county_staff_and_citywide_staff_see_the_application(client_as, zhaoyang_application, username):
    response = client_as(username).get(detail_url(zhaoyang_application))
    assert response.status_code == 200
    assert zhaoyang_application.number in response.content.decode()


@pytest.mark.parametrize("username", ["reviewer_ludian", "applicant2"])
def test_other_county_and_other_applicant_get_404(client_as, zhaoyang_application, username):
    response = client_as(username).get(detail_url(zhaoyang_application))
    assert response.status_code == 404


def test_missing_object_is_the_same_404(client_as, zhaoyang_application):
    response = client_as("reviewer").get(reverse("ads:application_detail", kwargs={"pk": 999999}))
    assert response.status_code == 404


def test_anonymous_user_is_sent_to_login_not_403(client, zhaoyang_application):
    response = client.get(detail_url(zhaoyang_application))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_home_lists_only_what_the_user_may_see(client_as, zhaoyang_application):
    assert zhaoyang_application.number in client_as("reviewer").get("/", follow=True).content.decode()
    assert zhaoyang_application.number not in client_as("reviewer_ludian").get("/", follow=True).content.decode()
    assert zhaoyang_application.number not in client_as("applicant2").get("/", follow=True).content.decode()


def test_moving_staff_to_another_county_moves_their_view(client_as, demo_users, zhaoyang_application):
    from workflows.jurisdiction import staff_place

    staff_place(demo_users["reviewer_ludian"], County.objects.get(name="昭阳区"))
    response = client_as("reviewer_ludian").get(detail_url(zhaoyang_application))
    assert response.status_code == 200


def test_an_exception_on_one_object_shows_that_object_only(client_as, demo_users, zhaoyang_application):
    from workflows.jurisdiction import grant_exception, revoke_exception

    other = application_submit(
        acting_user=demo_users["applicant"],
        county=County.objects.get(name="昭阳区"),
        facility_type="wall_sign",
        address="昭阳区珠泉路90号",
    )
    grant_exception(zhaoyang_application, demo_users["reviewer_ludian"])
    client = client_as("reviewer_ludian")
    assert client.get(detail_url(zhaoyang_application)).status_code == 200
    assert client.get(detail_url(other)).status_code == 404
    revoke_exception(zhaoyang_application, demo_users["reviewer_ludian"])
    assert client.get(detail_url(zhaoyang_application)).status_code == 404


def test_new_objects_write_no_per_object_permission_rows(zhaoyang_application):
    from guardian.models import GroupObjectPermission, UserObjectPermission

    assert not UserObjectPermission.objects.exists()
    assert not GroupObjectPermission.objects.exists()


def test_migration_keeps_only_real_exceptions(demo_users, zhaoyang_application):
    from django.apps import apps
    from guardian.models import GroupObjectPermission, UserObjectPermission
    from guardian.shortcuts import assign_perm

    from workflows.jurisdiction import county_group, forget_predicate_rows

    perm = "outdoor_ads.view_permitapplication"
    # The rows the old code wrote at creation, plus one exception for a person of another county.
    assign_perm(perm, county_group(zhaoyang_application.county), zhaoyang_application)
    assign_perm(perm, demo_users["applicant"], zhaoyang_application)
    assign_perm(perm, demo_users["reviewer_ludian"], zhaoyang_application)
    forget_predicate_rows(apps, "outdoor_ads", {"permitapplication": "applicant"})
    assert not GroupObjectPermission.objects.exists()
    assert list(UserObjectPermission.objects.values_list("user__username", flat=True)) == ["reviewer_ludian"]
