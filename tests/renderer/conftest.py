"""Sample warnings and a shared FontSet for renderer tests."""

from __future__ import annotations

import pytest
from fanzha.content.copy import CastMember, Line, Panel, WarningCopy
from fanzha.renderer.fonts import FontSet


def _panel(
    scene: str, cast: list[tuple[str, str, str]], lines: list[tuple[str, str, str]], caption: str
) -> Panel:
    return Panel(
        scene,
        tuple(CastMember(r, e, s) for r, e, s in cast),
        tuple(Line(sp, t, k) for sp, t, k in lines),
        caption,
    )


AUTHORITIES = WarningCopy(
    "impersonating-authorities",
    "a",
    "zh-CN",
    "冒充公检法及政府机关",
    "警察不会在电话里办案",
    "挂电话 打110",
    (
        "你的银行卡涉嫌洗钱，马上要冻结",
        "把钱转到安全账户，配合资金核查",
        "这是秘密侦查，不许告诉家人",
    ),
    "挂断电话，拨打110核实",
    "电话里说你涉嫌洗钱？挂断",
    "公检法不会在电话里办案。",
    "公检法没有“安全账户”",
    "公安、检察院、法院不会在电话里办案。",
    (
        _panel(
            "home",
            [("elderly", "worried", "left"), ("fake_officer", "calm", "right")],
            [
                ("fake_officer", "我是公安局的，你的卡涉嫌洗钱。", "say"),
                ("elderly", "啊？我怎么会……", "say"),
            ],
            "赵大爷接到“警官”电话",
        ),
        _panel(
            "phone_call",
            [("elderly", "alarmed", "left"), ("fake_officer", "calm", "right")],
            [("fake_officer", "钱转到安全账户，不许告诉家人！", "alarm")],
            "对方让他保密、转账",
        ),
        _panel(
            "home",
            [("elderly", "worried", "left")],
            [("elderly", "警察办案，怎么会在电话里？", "think")],
            "赵大爷停下了手",
        ),
        _panel(
            "home",
            [("elderly", "relieved", "left"), ("family", "calm", "right")],
            [
                ("family", "爸，这是骗子！咱们挂了打110。", "say"),
                ("elderly", "幸好跟你说了！", "say"),
            ],
            "挂断电话，拨打110核实",
        ),
    ),
)

CREDIT = WarningCopy(
    "credit-repair",
    "a",
    "zh-CN",
    "虚假征信",
    "征信，花钱“修”不了",
    "不乱贷 不乱转",
    (
        "你上学时开过校园贷账户，不注销会影响征信",
        "你名下有网贷额度，必须全部清零",
        "打开屏幕共享，我教你操作",
    ),
    "不存在付费“修复征信”，自己查信用报告核实",
    "t",
    "b",
    "征信，花钱“修”不了",
    "b",
    (
        _panel(
            "dormitory",
            [("young_worker", "calm", "left"), ("scammer_phone", "calm", "right")],
            [("scammer_phone", "您好，我是XX金融App客服，您的校园贷账户还没注销。", "say")],
            "小李接到“客服”电话",
        ),
        _panel(
            "chat",
            [("young_worker", "worried", "left"), ("scammer_phone", "alarmed", "right")],
            [
                ("scammer_phone", "不注销就影响征信，打开屏幕共享！", "alarm"),
                ("young_worker", "那……要怎么弄？", "say"),
            ],
            "对方催他转钱“清零额度”",
        ),
        _panel(
            "dormitory",
            [("young_worker", "worried", "left")],
            [("young_worker", "征信还能花钱修？", "think")],
            "小李起了疑心",
        ),
        _panel(
            "bank",
            [("young_worker", "relieved", "left"), ("bank_staff", "calm", "right")],
            [
                ("bank_staff", "征信只能自己查，没有付费修复。", "say"),
                ("young_worker", "幸好没转！", "say"),
            ],
            "到银行网点核实",
        ),
    ),
)

ENGLISH = WarningCopy(
    "fake-loan",
    "a",
    "en",
    "Fake online loan",
    "Fees first? It's a scam",
    "No fees first",
    ("No collateral, no credit check, money in seconds", "Pay a deposit to unlock the loan", "x"),
    "Borrow only in your bank's own app",
    "t",
    "b",
    "Fees before payout = scam",
    "b",
    (
        _panel(
            "dormitory",
            [("young_worker", "calm", "left"), ("scammer_phone", "calm", "right")],
            [("scammer_phone", "Loan approved! 50,000 yuan in 5 minutes.", "say")],
            "A call out of the blue",
        ),
        _panel(
            "chat",
            [("young_worker", "worried", "left"), ("scammer_phone", "alarmed", "right")],
            [("scammer_phone", "Pay the 2,000 yuan deposit now!", "alarm")],
            "Pay first, then borrow?",
        ),
        _panel(
            "dormitory",
            [("young_worker", "worried", "left")],
            [("young_worker", "Why pay before I get the money?", "think")],
            "Something is off",
        ),
        _panel(
            "bank",
            [("young_worker", "relieved", "left"), ("bank_staff", "calm", "right")],
            [("bank_staff", "Real lenders never charge fees upfront.", "say")],
            "Checking with the bank",
        ),
    ),
)


@pytest.fixture(scope="session")
def fonts() -> FontSet:
    """The default FontSet (the system Noto Sans CJK when installed, else the pip font)."""
    return FontSet.default()


@pytest.fixture(params=[AUTHORITIES, CREDIT, ENGLISH], ids=lambda c: f"{c.warning_id}-{c.locale}")
def warning(request: pytest.FixtureRequest) -> WarningCopy:
    """Each sample warning."""
    return request.param
