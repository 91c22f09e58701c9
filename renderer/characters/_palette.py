"""The cast's limited warm palette: one ink, a few skin and hair tones, costume colours."""

from __future__ import annotations

from dataclasses import dataclass

RGB = tuple[int, int, int]

INK: RGB = (43, 36, 48)  # the one outline colour, a warm near-black
WHITE: RGB = (255, 252, 246)  # eye whites and shirts: warm, never pure white
MOUTH: RGB = (122, 38, 44)
TONGUE: RGB = (232, 112, 104)
BLUSH: RGB = (243, 160, 140)
SWEAT: RGB = (150, 205, 238)
SHINE: RGB = (255, 255, 255)
GLASS: RGB = (214, 234, 240)
PHONE: RGB = (58, 64, 84)
SCREEN: RGB = (120, 200, 220)
GOLD: RGB = (236, 190, 80)
EFFECT: RGB = (226, 78, 60)  # shock lines: the same red as the alarm balloons
RELIEF: RGB = (238, 244, 236)  # the little puff of a sigh

SKIN_LIGHT: RGB = (250, 214, 180)
SKIN_MID: RGB = (236, 190, 150)
SKIN_TAN: RGB = (214, 160, 120)


@dataclass(frozen=True)
class Costume:
    """The colours one role wears; the shapes are chosen per role in _roles."""

    skin: RGB
    hair: RGB
    top: RGB  # jacket, cardigan, hoodie or uniform
    shirt: RGB  # what shows at the neck or under the top
    trousers: RGB
    shoes: RGB
    accent: RGB  # apron, hi-vis vest, tie, scarf, cap band


COSTUMES: dict[str, Costume] = {
    "elderly": Costume(
        skin=SKIN_LIGHT,
        hair=(196, 192, 190),
        top=(196, 92, 74),  # rust cardigan
        shirt=(250, 236, 206),
        trousers=(112, 98, 96),
        shoes=(86, 62, 52),
        accent=(238, 206, 120),  # cardigan buttons
    ),
    "young_worker": Costume(
        skin=SKIN_TAN,
        hair=(46, 40, 44),
        top=(74, 112, 160),  # work jacket
        shirt=(238, 238, 230),
        trousers=(70, 78, 96),
        shoes=(62, 52, 50),
        accent=(250, 148, 48),  # hi-vis vest
    ),
    "shop_owner": Costume(
        skin=SKIN_MID,
        hair=(58, 46, 42),
        top=(246, 208, 112),  # mustard shirt
        shirt=(246, 208, 112),
        trousers=(92, 80, 74),
        shoes=(70, 52, 44),
        accent=(82, 150, 120),  # green apron
    ),
    "scammer_phone": Costume(
        skin=(206, 176, 150),
        hair=(40, 36, 40),
        top=(78, 74, 96),  # dusky purple hoodie: shady, not frightening
        shirt=(58, 54, 72),
        trousers=(56, 58, 70),
        shoes=(40, 38, 44),
        accent=(40, 40, 52),  # sunglasses
    ),
    "fake_officer": Costume(
        skin=SKIN_MID,
        hair=(44, 40, 44),
        top=(66, 106, 116),  # teal-grey, deliberately unlike any real police blue
        shirt=(206, 224, 222),
        trousers=(52, 74, 84),
        shoes=(36, 36, 42),
        accent=(226, 184, 84),  # blank cap emblem and buttons
    ),
    "bank_staff": Costume(
        skin=SKIN_LIGHT,
        hair=(52, 42, 40),
        top=(40, 58, 104),  # navy suit
        shirt=(250, 248, 240),
        trousers=(40, 58, 104),
        shoes=(34, 32, 40),
        accent=(206, 58, 60),  # red scarf
    ),
    "family": Costume(
        skin=SKIN_LIGHT,
        hair=(92, 60, 46),
        top=(246, 170, 92),  # warm orange sweater
        shirt=(250, 240, 220),
        trousers=(84, 118, 168),  # jeans
        shoes=(238, 236, 228),  # white sneakers
        accent=(250, 240, 220),
    ),
}


def shade(color: RGB, factor: float) -> RGB:
    """A darker (factor < 1) or lighter (factor > 1) version of a colour, clamped."""
    if factor <= 1:
        return tuple(round(c * factor) for c in color)  # type: ignore[return-value]
    return tuple(round(c + (255 - c) * (factor - 1)) for c in color)  # type: ignore[return-value]
