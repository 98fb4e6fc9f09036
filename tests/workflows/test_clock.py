import datetime as dt
from zoneinfo import ZoneInfo

from workflows import clock

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_travel_freezes_now_and_today_in_bureau_time():
    moment = dt.datetime(2026, 10, 1, 23, 30, tzinfo=dt.UTC)  # 07:30 on 2 Oct in Shanghai
    with clock.travel(moment):
        assert clock.now() == moment
        assert clock.today() == dt.date(2026, 10, 2)
    assert clock.now() != moment


def test_advance_moves_a_frozen_clock():
    clock.set_now(dt.datetime(2026, 5, 6, 9, 0, tzinfo=SHANGHAI))
    clock.advance(dt.timedelta(days=3))
    assert clock.today() == dt.date(2026, 5, 9)


def test_advance_moves_the_running_clock():
    before = clock.now()
    clock.advance(dt.timedelta(days=10))
    assert clock.now() - before >= dt.timedelta(days=10)
