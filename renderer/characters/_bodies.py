"""The shared figure: one body grid for the whole cast, so they stand together consistently.

Design grid: 120 × 200 units, figure facing right, feet on the bottom edge, head centred
at (60, 46) so it sits in the top ~35 % of the box. Drawing order, back to front:
back hair/hood → legs → torso + costume → ear → head → face → hair/headwear → arms → props
→ emotion marks.
"""

from __future__ import annotations

from fanzha.renderer.characters import _looks
from fanzha.renderer.characters._face import HRX, HRY, HX, HY, draw_effects, draw_face
from fanzha.renderer.characters._palette import PHONE, SCREEN, Costume, shade
from fanzha.renderer.characters._pen import Pen, Point

WIDTH, HEIGHT = 120.0, 200.0
HEAD_CENTRE: Point = (HX, HY)
HEAD_RADIUS = 34.0  # the head with its hair, hood or ears: what a balloon must not cover
ARM_W = 11.0
HAND_R = 6.2
BACK_SHOULDER: Point = (41.0, 91.0)
FRONT_SHOULDER: Point = (79.0, 91.0)

# elbow and hand of each arm, per pose; "back" is the arm further from where the figure looks
POSES: dict[str, dict[str, list[Point]]] = {
    "down": {"back": [(34, 118), (36, 141)], "front": [(86, 118), (84, 141)]},
    "clasp": {"back": [(38, 120), (55, 121)], "front": [(84, 120), (65, 121)]},
    "up": {"back": [(21, 86), (18, 61)], "front": [(99, 86), (102, 61)]},
    "chest": {"back": [(34, 118), (36, 141)], "front": [(88, 116), (66, 106)]},
    "phone": {"back": [(20, 104), (29, 66)], "front": [(86, 118), (84, 141)]},
}
EXPRESSION_POSE = {"calm": "down", "worried": "clasp", "alarmed": "up", "relieved": "chest"}


def _legs(pen: Pen, c: Costume) -> None:
    for x0 in (43.0, 61.0):
        pen.rrect((x0, 140, x0 + 16, 190), 4, c.trousers)
    for cx in (52.5, 71.5):
        pen.chord(cx + 3, 193, 10.5, 7.5, 180, 360, c.shoes)
        pen.rrect((cx - 7.5, 190, cx + 13.5, 197), 3, c.shoes)


def _torso(pen: Pen, c: Costume) -> None:
    pen.rrect((53, 66, 67, 86), 4, shade(c.skin, 0.9))  # neck, shaded under the chin
    pen.rrect((36, 80, 84, 152), 15, c.top, corners=(True, True, False, False))


def _head(pen: Pen, c: Costume) -> None:
    ear_x = HX - HRX + 1
    pen.ellipse(ear_x, HY + 4, 5.0, 6.5, c.skin)
    pen.arc(ear_x, HY + 4, 2.2, 3.2, 100, 260, width=1.4)
    pen.ellipse(HX, HY, HRX, HRY, c.skin)


def _arm(pen: Pen, c: Costume, shoulder: Point, joints: list[Point]) -> None:
    pen.limb([shoulder, *joints], ARM_W, c.top)
    hx, hy = joints[-1]
    pen.ellipse(hx, hy, HAND_R, HAND_R, c.skin)


def _phone_at_ear(pen: Pen, c: Costume, joints: list[Point]) -> None:
    pen.limb([BACK_SHOULDER, *joints], ARM_W, c.top)
    hx, hy = joints[-1]
    pen.rrect((hx - 6, hy - 26, hx + 4, hy - 2), 3, PHONE)
    pen.rrect((hx - 4, hy - 23, hx + 2, hy - 6), 1.5, SCREEN, outline=False)
    pen.ellipse(hx, hy - 3, HAND_R, HAND_R + 0.5, c.skin)


# the phone a figure holds, in design units: at the ear (back hand) or in front (front hand)
PHONE_AT_EAR = (23.0, 40.0, 33.0, 64.0)
PHONE_IN_HAND = (82.0, 76.0, 100.0, 106.0)


def prop_box(holding: str | None) -> tuple[float, float, float, float] | None:
    """Where the held phone is on the design grid (facing right), if the figure holds one."""
    return {"ear": PHONE_AT_EAR, "hand": PHONE_IN_HAND}.get(holding or "")


def _phone_in_hand(pen: Pen, c: Costume) -> None:
    """The front hand holds the phone up in front of the chest, screen towards the face."""
    pen.limb([FRONT_SHOULDER, (94, 118), (91, 101)], ARM_W, c.top)
    x0, y0, x1, y1 = PHONE_IN_HAND
    pen.rrect((x0, y0, x1, y1), 3, PHONE)
    pen.ellipse(x0 + 4, y0 + 4, 1.3, 1.3, SCREEN, outline=False)  # the camera on its back
    pen.ellipse(91, 101, HAND_R, HAND_R + 0.5, c.skin)


def pose_for(role: str, expression: str, holding: str | None = None) -> tuple[str, str]:
    """The (back arm, front arm) pose names for one role and expression."""
    pose = EXPRESSION_POSE[expression]
    if holding == "hand":
        return ("down" if pose == "up" else pose), "hand"
    back = "phone" if holding == "ear" else pose
    front = pose
    if holding == "ear" and pose == "clasp":
        front = "chest"  # one hand is busy with the phone, the other fidgets at the chest
    return back, front


def draw_figure(
    pen: Pen, role: str, expression: str, holding: str | None = None, look: str | None = None
) -> None:
    """One character, facing right, onto the pen's design grid (holding: ear, hand or None)."""
    style, c = _looks.design(role, look)
    style.back(pen, c)
    _legs(pen, c)
    _torso(pen, c)
    style.costume(pen, c)
    _head(pen, c)
    draw_face(
        pen,
        expression,
        shade(c.hair, style.brow),
        eyes=style.eyes,
        sly=style.sly and expression == "calm",
        mouth_dy=style.mouth_dy,
    )
    style.front(pen, c)
    back, front = pose_for(role, expression, holding)
    if back == "phone":
        _phone_at_ear(pen, c, POSES["phone"]["back"])
    else:
        _arm(pen, c, BACK_SHOULDER, POSES[back]["back"])
    if front == "hand":
        _phone_in_hand(pen, c)
    else:
        _arm(pen, c, FRONT_SHOULDER, POSES[front]["front"])
    draw_effects(pen, expression)
