"""The generator's vocabularies, shared with the default schema's declared ``values``."""

from __future__ import annotations

# Share of each occupation among generated new-citizen customers (normalised when drawn).
OCCUPATIONS: dict[str, float] = {
    "factory_worker": 0.16,
    "courier": 0.07,
    "driver": 0.06,
    "construction": 0.08,
    "shop_owner": 0.07,
    "self_employed": 0.07,
    "office": 0.11,
    "graduate_trainee": 0.07,
    "retired": 0.08,
    "domestic_worker": 0.05,
    "food_delivery": 0.07,
    "student": 0.03,
    "caregiver": 0.04,
    "unemployed": 0.04,
}
LOCALES: tuple[str, ...] = ("zh-CN", "en")
TIMEZONES: dict[str, float] = {
    "Asia/Shanghai": 0.91,
    "Asia/Urumqi": 0.06,
    "Asia/Hong_Kong": 0.012,
    "Europe/London": 0.006,
    "America/New_York": 0.006,
    "Australia/Sydney": 0.006,
}
COMMUNITIES: tuple[str, ...] = (
    "张江新市民公寓",
    "龙华富士康宿舍区",
    "花桥产业园人才公寓",
    "松山湖员工宿舍",
    "光谷青年人才驿站",
    "滨海新区蓝领公寓",
    "昆山综合保税区宿舍",
    "前海深港青年梦工场公寓",
    "望京新市民社区",
    "天河棠下城中村",
    "白云太和镇外来务工人员社区",
    "宝安福永新市民小区",
    "萧山经济开发区人才公寓",
    "郑州航空港富士康园区",
    "成都高新西区员工宿舍",
    "西咸新区蓝领公寓",
    "苏州工业园区青年公寓",
    "武清开发区职工之家",
    "长沙星沙产业工人社区",
    "合肥经开区新市民家园",
)

__all__ = ["COMMUNITIES", "LOCALES", "OCCUPATIONS", "TIMEZONES"]
