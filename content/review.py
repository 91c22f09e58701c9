"""Review records: author, a different reviewer, the date, expiry and the official sources.

A warning is sendable ("approved") only when all of these hold on the day:

* an author and a reviewer are named, and they are different people (the name before
  any bracketed department is compared: 王敏（风险部） and 王敏（合规部） are one person);
* the review date is set and has come;
* at least one source is cited: the official notice, law or risk alert the claims rest
  on, with its title, issuer, date (as precise as verified: YYYY-MM-DD, YYYY-MM or
  YYYY) and a reference (document number, article) or URL;
* the expiry is after the review date and not past.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from fanzha.content.checks import Issue
from fanzha.content.model import ReviewModel, WarningModel

__all__ = ["check_review", "review_status", "same_person"]

_SOURCE_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_BRACKET = re.compile(r"[（(].*$")


def same_person(one: str, two: str) -> bool:
    """Whether two review names are the same person (departments in brackets ignored)."""
    return _BRACKET.sub("", one).strip().casefold() == _BRACKET.sub("", two).strip().casefold()


def review_status(review: ReviewModel, today: date) -> str:
    """`approved`, `unapproved`, `pending` (reviewed_on ahead) or `expired`."""
    author, reviewer = review.author.strip(), review.reviewer.strip()
    if not author or not reviewer or same_person(author, reviewer):
        return "unapproved"
    if review.reviewed_on is None or not review.sources:
        return "unapproved"
    if review.reviewed_on > today:
        return "pending"
    if review.expires < today or review.expires <= review.reviewed_on:
        return "expired"
    return "approved"


def _source_date_ok(text: str) -> bool:
    """A YYYY, YYYY-MM or YYYY-MM-DD that exists."""
    match = _SOURCE_DATE.match(text.strip())
    if not match:
        return False
    year, month, day = (int(g) if g else 1 for g in match.groups())
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _check_sources(review: ReviewModel) -> Iterator[Issue]:
    """Sources exist and each names title, issuer, a real date and a reference or URL."""
    if not review.sources:
        yield Issue(
            ("review", "sources"),
            "unapproved: review.sources is empty; cite the official notices the claims rest on "
            "(title, issuer, date, ref or url)",
            at_key=True,
        )
    for i, source in enumerate(review.sources):
        loc = ("review", "sources", i)
        for name in ("title", "issuer"):
            if not getattr(source, name).strip():
                yield Issue((*loc, name), f"review.sources[{i}].{name} is empty")
        if not _source_date_ok(source.date):
            yield Issue(
                (*loc, "date"),
                f"review.sources[{i}].date {source.date!r} is not YYYY-MM-DD, YYYY-MM or YYYY",
            )
        if not (source.ref or "").strip() and not (source.url or "").strip():
            yield Issue(loc, f"review.sources[{i}] needs a ref (document number, article) or url")
        if source.url and not re.match(r"^https?://\S+$", source.url.strip()):
            yield Issue((*loc, "url"), f"review.sources[{i}].url is not an http(s) address")


def check_review(model: WarningModel, today: date) -> Iterator[Issue]:
    """Author and a distinct reviewer, a review date that has come, sources, no expiry."""
    review = model.review
    if not review.author.strip():
        yield Issue(("review", "author"), "unapproved: review.author is empty", at_key=True)
    if not review.reviewer.strip():
        yield Issue(("review", "reviewer"), "unapproved: review.reviewer is empty", at_key=True)
    elif review.author.strip() and same_person(review.author, review.reviewer):
        yield Issue(
            ("review", "reviewer"),
            f"unapproved: the reviewer must be someone other than the author ({review.author})",
        )
    if review.reviewed_on is None:
        yield Issue(
            ("review", "reviewed_on"), "unapproved: review.reviewed_on is missing", at_key=True
        )
    elif review.reviewed_on > today:
        yield Issue(
            ("review", "reviewed_on"),
            f"not yet approved: review.reviewed_on {review.reviewed_on} is after {today}",
        )
    if review.reviewed_on is not None and review.expires <= review.reviewed_on:
        yield Issue(("review", "expires"), "review.expires must be after review.reviewed_on")
    elif review.expires < today:
        yield Issue(("review", "expires"), f"expired on {review.expires} (today is {today})")
    yield from _check_sources(review)
