"""The preview page's words, per campaign locale (English for a locale without a table)."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "zh-CN": {
        "title": "预览",
        "version": "版本",
        "cards": "卡片",
        "posters": "海报",
        "segment_count": "{cards} 张卡片 · {warnings} 个警示",
        "push": "推送",
        "slogan": "口号",
        "action": "行动",
        "red_flags": "识别要点",
        "alt": "替代文本（读屏）",
        "variant": "方案 {variant}",
        "normal": "标准字号",
        "large text": "大字版",
        "contrast": "最低对比度 {value}:1（要求 {need}:1）",
        "smallest": "最小字号 {px}px · {w}×{h}px · {layout}",
        "poster_alt": "海报预览：{name}",
        "no_thumbnail": "（未生成缩略图：请安装 poppler-utils 的 pdftoppm）",
        "no_posters": "本活动没有海报。",
        "download": "下载 PDF",
    },
    "en": {
        "title": "Preview",
        "version": "version",
        "cards": "cards",
        "posters": "posters",
        "segment_count": "{cards} cards · {warnings} warnings",
        "push": "Push",
        "slogan": "Slogan",
        "action": "Action",
        "red_flags": "Red flags",
        "alt": "Alt text (screen readers)",
        "variant": "variant {variant}",
        "normal": "normal",
        "large text": "large text",
        "contrast": "lowest contrast {value}:1 (needs {need}:1)",
        "smallest": "smallest text {px}px · {w}×{h}px · {layout}",
        "poster_alt": "Poster preview {name}",
        "no_thumbnail": "(no thumbnail: install pdftoppm from poppler-utils)",
        "no_posters": "This campaign has no posters.",
        "download": "Download PDF",
    },
}


def labels_for(locale: str) -> dict[str, str]:
    """The table for a locale: exact, then its language (zh-TW → zh-CN's), else English."""
    if locale in LABELS:
        return LABELS[locale]
    language = locale.split("-")[0].lower()
    return next((t for k, t in LABELS.items() if k.split("-")[0] == language), LABELS["en"])
