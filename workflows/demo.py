"""Demo accounts (invented people and companies) for `manage.py seed_demo`."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction

from .jurisdiction import staff_place
from .models import County, User
from .roles import ROLES


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    real_name: str
    county: str | None  # county name; None = city-wide
    company: str = ""
    credit_code: str = ""
    certificate: str = ""


ZHAOYANG = "昭阳区"

DEMO_ACCOUNTS = [
    DemoAccount("applicant", "applicant", "周晓岚", None, "昭通星辰广告传媒有限公司", "91530602MA6K7Q2X1B"),
    DemoAccount("applicant2", "applicant", "何嘉树", None, "昭阳云鹤文化传播有限公司", "91530602MA6N3R8T4C"),
    DemoAccount("clerk", "clerk", "陶雨桐", ZHAOYANG),
    DemoAccount("reviewer", "reviewer", "庞思远", ZHAOYANG),
    DemoAccount("reviewer2", "reviewer", "骆清禾", ZHAOYANG),
    DemoAccount("surveyor", "surveyor", "郝振川", ZHAOYANG),
    DemoAccount("chief", "chief", "孔德衡", ZHAOYANG),
    DemoAccount("patrol", "patrol", "邬小满", ZHAOYANG, certificate="云530602-10017"),
    DemoAccount("officer", "officer", "甘立峰", ZHAOYANG, certificate="云530602-10021"),
    DemoAccount("officer2", "officer", "习南星", ZHAOYANG, certificate="云530602-10022"),
    DemoAccount("squadlead", "squadlead", "柏承志", ZHAOYANG, certificate="云530602-10003"),
    DemoAccount("legal", "legal", "蒲文澜", ZHAOYANG),
    DemoAccount("leader", "leader", "韦正谦", ZHAOYANG),
    DemoAccount("reviewer_ludian", "reviewer", "籍若水", "鲁甸县"),
    DemoAccount("supervisor", "supervisor", "卞明察", None),
    DemoAccount("admin", "admin", "尚管理", None),
]


@transaction.atomic
def seed_accounts(password: str | None = None) -> list[User]:
    password = password or settings.XIUHUA_DEMO_PASSWORD
    users = []
    for spec in DEMO_ACCOUNTS:
        role = ROLES[spec.role]
        kind = User.Kind.STAFF if role.staff else User.Kind.COMPANY
        user, _ = User.objects.update_or_create(
            username=spec.username,
            defaults={
                "kind": kind,
                "real_name": spec.real_name,
                "company_name": spec.company,
                "credit_code": spec.credit_code,
                "certificate_number": spec.certificate,
                "email": f"{spec.username}@example.invalid",
                "is_staff": spec.role == "admin",
                "is_superuser": spec.role == "admin",
            },
        )
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name=role.group_name))
        if role.staff:
            county = County.objects.get(name=spec.county) if spec.county else None
            staff_place(user, county)
        users.append(user)
    return users
