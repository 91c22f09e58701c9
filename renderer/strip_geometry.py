"""Where a strip panel put everything, in the strip's coordinates, for its manifest: figures
(box, visible part, face, mouth, prop), screen, caption and balloons with their tails. The
library tests read it to check that no balloon hides a face and every tail reaches its mouth.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from fanzha.content.copy import WarningCopy
from fanzha.renderer.canvas import TextRecord
from fanzha.renderer.stage import default_look
from fanzha.renderer.strip_panel import StripPanel


def _shift(box: Any, dy: int) -> list[int]:
    return [box[0], box[1] + dy, box[2], box[3] + dy]


def panel_geometry(
    sp: StripPanel, y: int, page: int, tails: Any, copy: WarningCopy
) -> dict[str, Any]:
    """One panel's geometry for the manifest, moved down to the panel's place ``y`` in the strip."""
    figures = []
    for f in sp.figures:
        figures.append(
            {
                "role": f.member.role,
                "look": default_look(f.member, copy),
                "remote": f.remote,
                "box": _shift(f.box, y),
                "visible": _shift(
                    _clip(f.box, sp.inset if f.remote else (0, 0, sp.width, sp.height)), y
                ),
                "face": _shift(f.face, y),
                "mouth": [f.mouth[0], f.mouth[1] + y],
                "holding": f.holding,
                "prop": _shift(f.prop, y) if f.prop else None,
            }
        )
    props = [fig["prop"] for fig in figures if fig["prop"]]
    if sp.screen is not None:
        props.append(_shift(sp.screen.box, y))
    return {
        "panel": sp.index + 1,
        "image": page,
        "box": [0, y, sp.width, y + sp.height],
        "shot": sp.staging.shot,
        "phone": sp.staging.phone,
        "screen": sp.panel.screen.kind if sp.panel.screen else None,
        "screen_box": _shift(sp.screen.box, y) if sp.screen else None,
        "inset": _shift(sp.inset, y) if sp.inset else None,
        "caption": _shift(sp.caption.outer, y) if sp.caption else None,
        "figures": figures,
        "props": props,
        "balloons": [
            {
                "name": b.placed.layout.name,
                "kind": b.placed.kind,
                "speaker": b.speaker,
                "box": _shift(b.placed.outer, y),
                "joined": b.joined,
                "tail": ({k: [v[0], v[1] + y] for k, v in tail.items()} if tail else None),
            }
            for b, tail in zip(sp.balloons, tails, strict=True)
        ],
    }


def _clip(box: Any, area: Any) -> tuple[int, int, int, int]:
    return max(box[0], area[0]), max(box[1], area[1]), min(box[2], area[2]), min(box[3], area[3])


def shift_record(r: TextRecord, dy: int) -> TextRecord:
    """A text record moved down by dy (a panel's records, placed in the strip)."""
    x0, y0, x1, y1 = r.box
    return dataclasses.replace(r, box=(x0, y0 + dy, x1, y1 + dy))
