"""Clock rules: every rule row read in one query per request, created from code when missing,
and an administrator's edit seen by the next request."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from workflows import requestcache
from workflows.sla.models import ClockRule
from workflows.sla.rules import RULES, get_rule, sync_rules

pytestmark = pytest.mark.django_db


def test_a_request_reads_all_rules_once_and_creates_a_missing_one():
    sync_rules()
    first, second, third = sorted(RULES)[:3]
    ClockRule.objects.filter(code=third).delete()
    with requestcache.scope(), CaptureQueriesContext(connection) as captured:
        assert get_rule(first).code == first
        assert get_rule(second).code == second
        assert get_rule(first) is get_rule(first)
        created = get_rule(third)  # declared in code, no row yet: created once
        assert get_rule(third) is created
        with pytest.raises(LookupError):
            get_rule("no.such.rule")
    reads = [q["sql"] for q in captured if q["sql"].startswith('SELECT "sla_clockrule"')]
    assert len(reads) == 3  # all rows, then the missing rule and the unknown code looked up alone
    assert ClockRule.objects.filter(code=third).exists()


def test_an_edit_is_seen_by_the_next_request():
    sync_rules()
    code = sorted(RULES)[0]
    with requestcache.scope():
        before = get_rule(code).limit
    ClockRule.objects.filter(code=code).update(limit=(before or 0) + 7)
    with requestcache.scope():
        assert get_rule(code).limit == (before or 0) + 7
    assert get_rule(code).limit == (before or 0) + 7  # outside a request: read each time
