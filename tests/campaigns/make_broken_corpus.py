"""Generate the broken-campaign corpus: one defect per file, expectation in a header comment."""

from pathlib import Path

base = Path("campaigns/examples/spring-2027.yaml").read_text(encoding="utf-8")
base = (
    "\n".join(ln for ln in base.splitlines() if not ln.startswith("# yaml-language-server")) + "\n"
)
M = "⟦"
cases = [
    (
        "unknown-top-key",
        "channels: [push, feed]",
        f"{M}chanels: [push, feed]",
        'unknown key "chanels" (did you mean "channels"?)',
    ),
    (
        "unknown-segment-key",
        "    label: 中老年新市民",
        f"    {M}lable: 中老年新市民",
        'unknown key "lable" (did you mean "label"?)',
    ),
    (
        "unknown-send-key",
        'send: {days: [mon, thu], at: "12:15"}',
        f'send: {{days: [mon, thu], {M}time: "12:15"}}',
        'unknown key "time" (did you mean "at"?)',
    ),
    (
        "unknown-limits-key",
        "  rate: 500/s",
        f"  {M}rates: 500/s",
        'unknown key "rates" (did you mean "rate"?)',
    ),
    (
        "unknown-style-key",
        "style: {layout: four-panel, large_text: true}",
        f"style: {{layout: four-panel, {M}largetext: true}}",
        'unknown key "largetext" (did you mean "large_text"?)',
    ),
    ("wrong-type-large-text", "large_text: true}", f"large_text: {M}maybe}}", "valid boolean"),
    (
        "wrong-type-warnings",
        "    warnings: [fake-business-deal, fake-investment]",
        f"    warnings: {M}fake-business-deal",
        "valid list",
    ),
    (
        "wrong-type-cap-max",
        "frequency_cap: {max: 2, per: 7d}",
        f"frequency_cap: {{max: {M}two, per: 7d}}",
        "valid integer",
    ),
    ("date-does-not-exist", "ends: 2027-04-30", f"ends: {M}2027-04-31", "not a real date"),
    ("date-bad-format", "starts: 2027-03-01", f"starts: {M}March 1st", "not a date"),
    (
        "end-before-start",
        "ends: 2027-04-30",
        f"ends: {M}2027-02-01",
        "ends (2027-02-01) before it starts",
    ),
    (
        "unknown-timezone",
        "timezone: Asia/Shanghai ",
        f"timezone: {M}Asia/Shangai ",
        'unknown time zone "Asia/Shangai" (did you mean "Asia/Shanghai"?)',
    ),
    ("bad-time", 'at: "09:30"', f'at: {M}"9.30"', "is not a time"),
    ("time-out-of-range", 'at: "20:30"', f'at: {M}"24:30"', "not a time of day"),
    ("bad-cadence-every", "send: {every: 3d,", f"send: {{every: {M}3x,", "is not a duration"),
    (
        "cadence-both",
        'send: {days: [tue, fri], at: "09:30"}',
        f'send: {M}{{days: [tue, fri], every: 3d, at: "09:30"}}',
        'either "days" or "every"',
    ),
    (
        "bad-weekday",
        "send: {days: [tue, fri]",
        f"send: {{days: [tue, {M}fry]",
        '"fry" is not allowed here',
    ),
    (
        "quiet-hours-syntax",
        'quiet_hours: "21:30-08:00"',
        f'quiet_hours: {M}"21:30 to 08:00"',
        "not a quiet-hours range",
    ),
    ("rate-syntax", "rate: 500/s", f"rate: {M}fast", "not a rate"),
    ("holdout-too-big", "holdout: 5%", f"holdout: {M}55%", "outside 0–50%"),
    ("holdout-negative-syntax", "holdout: 5%", f"holdout: {M}five percent", "not a percentage"),
    (
        "duplicate-segment",
        "  - id: founders",
        f"  - id: {M}elderly",
        'duplicate segment id "elderly"',
    ),
    (
        "unknown-warning",
        "warnings: [credit-repair, fake-loan, task-rebate]",
        f"warnings: [credit-repair, {M}fake-loans, task-rebate]",
        'unknown warning "fake-loans" (did you mean "fake-loan"?)',
    ),
    (
        "unknown-trigger-warning",
        "warning: loan-cooling-off",
        f"warning: {M}loan-cooloff",
        'unknown warning "loan-cooloff"',
    ),
    (
        "poster-unknown-segment",
        "segments: [founders, young_workers]",
        f"segments: [founders, {M}young_worker]",
        'unknown segment "young_worker" (did you mean "young_workers"?)',
    ),
    (
        "poster-bad-qr",
        "qr: https://bank.example.com/fanzha\n  - community: 花桥",
        f"qr: {M}bank.example.com/fanzha\n  - community: 花桥",
        "not a web address",
    ),
    ("rule-syntax", "rule: age >= 55", f"rule: age >{M}> 55", ""),
    (
        "rule-unknown-column",
        "rule: 18 <= age <= 30 and months_employed < 24",
        f"rule: 18 <= age <= 30 and {M}months_employd < 24",
        "months_employed",
    ),
    ("rule-type-error", "rule: age >= 55", f'rule: {M}age >= "old"', ""),
    (
        "audience-unknown-column",
        "where: months_in_city < 36",
        f"where: {M}month_in_city < 36",
        "months_in_city",
    ),
    ("rule-attribute-access", "rule: age >= 55", f"rule: age{M}.__class__ >= 55", ""),
    (
        "bad-campaign-id",
        "campaign: spring-2027-new-citizens",
        f"campaign: {M}Spring_2027",
        "not a valid campaign id",
    ),
    (
        "bad-channel",
        "channels: [push, feed]",
        f"channels: [push, {M}sms]",
        '"sms" is not allowed here',
    ),
    (
        "bad-trigger-event",
        "  - on: new_payee",
        f"  - on: {M}new_payees",
        '"new_payees" is not allowed here',
    ),
    ("bad-poster-size", "size: A3", f"size: {M}A2", '"A2" is not allowed here'),
    ("bad-locale", "locale: zh-CN", f"locale: {M}zh_CN", 'unknown locale "zh_CN"'),
    ("bad-trigger-delay", "delay: 10m", f"delay: {M}ten minutes", "not a duration"),
    (
        "missing-rule",
        "  - id: elderly\n    label: 中老年新市民\n    rule: age >= 55\n",
        f"  - {M}id: elderly\n    label: 中老年新市民\n",
        'missing required key "rule"',
    ),
    ("yaml-syntax", "  holdout: 5%", f"  holdout: {M}[5%", "YAML syntax"),
    ("duplicate-key", "locale: zh-CN", f"locale: zh-CN\n{M}locale: en", "duplicate key 'locale'"),
    (
        "duration-out-of-range",
        "frequency_cap: {max: 2, per: 7d}",
        f"frequency_cap: {{max: 2, per: {M}99999999999d}}",
        '"99999999999d" is out of range; allowed 1h to 365d',
    ),
    # YAML bombs: each is refused at once, where it starts, before it can expand.
    (
        "yaml-billion-laughs",
        "name: 2027 春季新市民反诈宣传\n",
        "name: 2027 春季新市民反诈宣传\n"
        + 'lol0: &lol0 ["'
        + '", "'.join(["lol"] * 10)
        + '"]\n'
        + "".join(
            f"lol{i}: &lol{i} [{M if i == 1 else ''}" + ", ".join([f"*lol{i - 1}"] * 10) + "]\n"
            for i in range(1, 10)
        ),
        "YAML aliases (*lol0) are not allowed",
    ),
    (
        "yaml-recursive-alias",
        "  where: months_in_city < 36 and consent_education",
        f"  where: &where [{M}*where]",
        "YAML aliases (*where) are not allowed",
    ),
    (
        "yaml-deep-nesting",
        "  holdout: 5%",
        "  holdout: " + "[" * 48 + M + "[" * (10_000 - 48),
        "nested more than 50 levels deep",
    ),
]
out = Path("tests/campaigns/broken")
for f in out.glob("*.yaml"):
    f.unlink()
for name, old, new, msg in cases:
    assert old in base, (name, old)
    text = base.replace(old, new, 1)
    body = "\n".join(text.splitlines()) + "\n"
    if M in body:
        idx = body.index(M)
        line = body[:idx].count("\n") + 2  # +1 for 1-based, +1 for the header line
        col = idx - (body.rfind("\n", 0, idx) + 1) + 1
        pos = f"{line}:{col}"
    else:
        pos = "?"
    body = body.replace(M, "")
    (out / f"{name}.yaml").write_text(f"# expect: {pos}: {msg}\n" + body, encoding="utf-8")
print(len(cases))
