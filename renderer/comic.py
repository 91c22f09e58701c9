"""Comic panels: plan where characters, captions and balloons go (panel_plan), then draw them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fanzha.content.copy import WarningCopy
from fanzha.renderer import balloons, card_stage, characters, figures, screens
from fanzha.renderer.canvas import Canvas
from fanzha.renderer.panel_plan import PanelPlan, plan
from fanzha.renderer.stage import default_look, remote_scene, stage
from fanzha.renderer.style import PALETTE
from fanzha.renderer.text_box import Box, Metrics, Placed, pads, spike
from PIL import Image, ImageDraw

__all__ = ["Metrics", "PanelPlan", "Placed", "draw", "pads", "plan", "spike"]


def draw(
    canvas: Canvas, pp: PanelPlan, m: Metrics, copy: WarningCopy | None = None
) -> dict[str, Any]:
    """Draw a planned panel: scene, characters, the phone screen, balloons and text, then its
    thick outline. Returns the panel's geometry (faces, mouths, phones, balloons, tails)."""
    pal, img = canvas.palette, canvas.img
    assets = None if m.asset_dir is None else Path(m.asset_dir)
    figures.draw_scene(img, pp.panel.scene, pp.rect, asset_dir=assets)
    st = stage(pp.panel, _index(pp), copy)
    drawn = pp.drawn or tuple(box for _, box, _ in pp.cast)
    outline = m.px(6)
    people: list[dict[str, Any]] = []
    speakers: dict[str, tuple[Box, str, bool]] = {}  # role: box the tail aims in, facing, screen
    for (member, box, facing), full in zip(pp.cast, drawn, strict=True):
        look = default_look(member, copy)
        if member in st.remote and pp.screen is not None:
            speakers[member.role] = (pp.screen.box, facing, True)
            continue
        if member in st.remote:  # on the line, not in the room: in a window with their backdrop
            win, fig = _caller_window(img, member, box, pp.rect, m, assets, look)
            speakers[member.role] = (fig, _window_facing(win, pp.rect), False)
            people.append(_person(member, look, fig, _window_facing(win, pp.rect), None, win, True))
            continue
        holding = st.holding if member is st.holder else None
        figures.draw_character(
            img,
            member.role,
            member.expression,
            full,
            facing=facing,
            asset_dir=assets,
            holding=holding,
            clip_bottom=pp.rect[3] - outline // 2,
            look=look,
        )
        speakers[member.role] = (full, facing, False)
        people.append(_person(member, look, full, facing, holding, pp.rect, False))
    d = ImageDraw.Draw(img)
    if pp.screen is not None:
        holder = next((p for p in people if p["prop"]), None)
        if holder is not None:
            screens.zoom_lines(d, holder["prop"], pp.screen.box, m.px)
        caller = next(((r.role, r.expression, default_look(r, copy)) for r in st.remote), None)
        screens.draw(canvas, pp.screen, caller)
        d = ImageDraw.Draw(img)
    lw = m.px(4)
    tails: list[dict[str, Any] | None] = []
    for item in pp.items:
        target, tail = None, None
        who = speakers.get(_speaker_role(pp, item)) if item.speaker else None
        if who is not None:
            point, stop = card_stage.anchor(who[0], who[1], who[2], m.px)
            sp = spike(item.layout.font_px, m.compact)
            others = tuple(o.outer for o in pp.items if o is not item)
            tail = card_stage.tail(item.outer, item.kind, sp, point, stop, lw, others)
            target = point
        gap = tail["gap"] if tail else 0.0
        reach = tail["reach"] if tail else None
        if item.kind == "caption":
            balloons.caption(d, item.outer, pal.caption_fill, pal.outline, max(2, lw // 2))
        else:
            balloons.shape(
                d,
                item.kind,
                item.outer,
                target,
                pal,
                lw,
                gap,
                reach,
                item.layout.font_px,
                m.compact,
            )
        tails.append(tail)
    for item in pp.items:
        ink = pal.alarm_ink if item.kind == "alarm" else pal.ink
        canvas.text(
            item.layout,
            ink,
            origin=item.layout.box[:2],
            align="center",
            role="caption" if item.kind == "caption" else "body",
        )
        d = ImageDraw.Draw(img)
    d.rectangle(pp.rect, outline=pal.outline, width=outline)
    return _geometry(pp, st, people, tails)


def _index(pp: PanelPlan) -> int:
    name = pp.items[0].layout.name if pp.items else "panel2"
    digits = name.split(".")[0].removeprefix("panel")
    return int(digits) - 1 if digits.isdigit() else 1


def _speaker_role(pp: PanelPlan, item: Placed) -> str:
    """The role whose box a balloon's tail was planned towards."""
    for member, box, _ in pp.cast:
        if box == item.speaker:
            return member.role
    return ""


def _window_facing(win: Box, rect: Box) -> str:
    return "left" if win[0] > rect[0] + (rect[2] - rect[0]) // 2 else "right"


def _person(
    member: Any, look: Any, box: Box, facing: str, holding: str | None, area: Box, remote: bool
) -> dict[str, Any]:
    """One drawn figure's geometry: its box, the part inside its panel or window, face, mouth
    and the phone it holds."""
    hx, hy = characters.character_head(box)
    r = characters.character_head_radius(box)
    prop = characters.character_prop(box, holding, facing)
    return {
        "role": member.role,
        "look": look,
        "remote": remote,
        "box": list(box),
        "visible": card_stage.clip(box, area),
        "face": [hx - r, hy - r, hx + r, hy + r],
        "mouth": list(characters.character_mouth(box, facing)),
        "holding": holding,
        "prop": list(prop) if prop else None,
    }


def _geometry(
    pp: PanelPlan, st: Any, people: list[dict[str, Any]], tails: list[dict[str, Any] | None]
) -> dict[str, Any]:
    caption = next((list(i.outer) for i in pp.items if i.kind == "caption"), None)
    props = [p["prop"] for p in people if p["prop"]]
    if pp.screen is not None:
        props.append(list(pp.screen.box))
    spoken = [(i, t) for i, t in zip(pp.items, tails, strict=True) if i.kind != "caption"]
    return {
        "panel": _index(pp) + 1,
        "box": list(pp.rect),
        "shot": pp.shot,
        "phone": st.phone,
        "screen": pp.panel.screen.kind if pp.panel.screen and pp.screen else None,
        "screen_box": list(pp.screen.box) if pp.screen is not None else None,
        "caption": caption,
        "figures": people,
        "props": props,
        "balloons": [
            {
                "name": item.layout.name,
                "kind": item.kind,
                "speaker": _speaker_role(pp, item) or None,
                "box": list(item.outer),
                "joined": False,
                "tail": None if t is None else {k: t[k] for k in ("from", "tip", "points_at")},
            }
            for item, t in spoken
        ],
    }


def _caller_window(
    img: Image.Image, member: Any, box: Any, rect: Any, m: Metrics, assets: Any, look: Any
) -> tuple[Box, Box]:
    """A caller's head and shoulders in a framed window, over a call centre or hotel room;
    returns the window and the caller's figure box, in image pixels."""
    x0, y0, x1, y1 = box
    top = y0 + (y1 - y0) // 12
    win_box = (max(rect[0] + m.px(8), x0 - m.px(10)), top, min(rect[2] - m.px(8), x1 + m.px(10)))
    wx0, wy0, wx1 = win_box
    wy1 = min(y1, wy0 + round((wx1 - wx0) * 1.05))
    win = Image.new("RGB", (wx1 - wx0, wy1 - wy0), PALETTE.paper)
    scene = remote_scene(member.role, look)
    figures.draw_scene(win, scene, (0, 0, wx1 - wx0, wy1 - wy0), asset_dir=assets)
    fw = wx1 - wx0
    fh = round(fw * 200 / 120 * 0.95)
    fig = ((fw - round(fh * 0.6)) // 2, m.px(4), (fw + round(fh * 0.6)) // 2, m.px(4) + fh)
    figures.draw_character(
        win,
        member.role,
        member.expression,
        fig,
        facing="left" if wx0 > rect[0] + (rect[2] - rect[0]) // 2 else "right",
        asset_dir=assets,
        holding="ear",
        clip_bottom=wy1 - wy0,
        look=look,
    )
    img.paste(win, (wx0, wy0))
    d = ImageDraw.Draw(img)
    d.rounded_rectangle(
        (wx0, wy0, wx1, wy1), radius=m.px(6), outline=PALETTE.outline, width=m.px(4)
    )
    return (wx0, wy0, wx1, wy1), (fig[0] + wx0, fig[1] + wy0, fig[2] + wx0, fig[3] + wy0)
