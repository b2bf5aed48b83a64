"""Finding a prospect or contact by what the user typed. Stdlib only (hot path).

Rules: case-insensitive exact match first, then a unique prefix. Several prefix matches are
an error listing them. No match: suggest close names, so a typo never silently creates a
second "Acme" (or a second "Bob Smith"); ``log --new`` adds the name as typed all the same.
Prospects and contacts follow the same rules.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from salestrack.errors import Ambiguous, InvalidInput, NotFound

if TYPE_CHECKING:
    from salestrack.domain import Ref

MAX_NAME = 200


def key(name: str) -> str:
    """The lookup key of a name: case-folded, inner white space collapsed."""
    return " ".join(name.casefold().split())


def clean_name(field: str, name: str) -> str:
    """A name as stored: trimmed, single spaces, not empty, not absurdly long."""
    cleaned = " ".join(name.split())
    if not cleaned:
        raise InvalidInput(field, "the name is empty; type the prospect's name")
    if len(cleaned) > MAX_NAME:
        raise InvalidInput(field, f"the name is {len(cleaned)} characters; keep it to {MAX_NAME}")
    if any(ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 for ch in cleaned):
        raise InvalidInput(field, "the name contains control characters; type it plainly")
    refuse_undecodable(field, cleaned)
    return cleaned


def refuse_undecodable(field: str, text: str) -> None:
    """Bytes that were not UTF-8 (an argument or file in another encoding reaches Python as
    lone surrogates) can't be stored or shown: say so instead of failing later."""
    if text.isascii():
        return
    try:
        text.encode("utf-8")  # a lone surrogate is the one thing UTF-8 cannot encode
    except UnicodeEncodeError:
        raise InvalidInput(
            field,
            "contains bytes that are not UTF-8; set your terminal or file to UTF-8 "
            "(or give the file's --encoding)",
        ) from None


def suggestions(typed: str, names: Sequence[str], limit: int = 3) -> list[str]:
    """Existing names close to ``typed`` (typos, a missing word)."""
    import difflib

    typed_key = key(typed)
    by_key = {key(n): n for n in names}
    close = difflib.get_close_matches(typed_key, list(by_key), n=limit, cutoff=0.75)
    found = [by_key[k] for k in close]
    for k, name in by_key.items():  # "acme" typed for "Acme Corp": a whole-word match
        if len(found) >= limit:
            break
        if name not in found and typed_key and typed_key in k.split():
            found.append(name)
    return found


def _quote_list(names: Sequence[str]) -> str:
    return ", ".join(f"'{n}'" for n in names)


def resolve(
    typed: str,
    *,
    exact: Callable[[str], Ref | None],
    prefix: Callable[[str], list[Ref]],
    everyone: Callable[[], list[str]],
    what: str = "prospect",
) -> Ref | list[str]:
    """The one row ``typed`` names, or the close names when nothing matches.

    Raises :class:`Ambiguous` when a prefix fits several.
    """
    typed_key = key(typed)
    found = exact(typed_key)
    if found is not None:
        return found
    matches = prefix(typed_key) if typed_key else []
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        names = sorted(m.name for m in matches)
        shown = _quote_list(names[:8]) + (f" and {len(names) - 8} more" if len(names) > 8 else "")
        raise Ambiguous(f"'{typed}' matches {len(names)} {what}s: {shown}; type more of it", names)
    return suggestions(typed, everyone())


def resolve_among(typed: str, refs: Sequence[Ref], *, what: str) -> Ref | list[str]:
    """:func:`resolve` over a short list already in hand (a prospect's contacts)."""
    return resolve(
        typed,
        exact=lambda k: next((r for r in refs if key(r.name) == k), None),
        prefix=lambda k: [r for r in refs if key(r.name).startswith(k)],
        everyone=lambda: [r.name for r in refs],
        what=what,
    )


def not_found(typed: str, close: list[str], *, what: str = "prospect", hint: str = "") -> NotFound:
    """The error for an unknown name, with the close names as 'did you mean'."""
    if close:
        return NotFound(f"unknown {what} '{typed}'; did you mean {_quote_list(close)}?{hint}")
    return NotFound(f"unknown {what} '{typed}'{hint or f'; add it with: salestrack {what} add'}")


def unknown_contact(
    typed: str, close: Sequence[str], *, prospect: str, known: Sequence[str]
) -> NotFound:
    """The error for a contact who is not one of the prospect's, where nothing adds them
    (``intel --contact``): contacts are added with ``contact add`` or by a touch with them."""
    typed = "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in typed)
    said = (
        f"; did you mean {_quote_list(close)}?"
        if close
        else f" (known: {_quote_list(known) or 'none yet'})"
    )
    return NotFound(
        f"--contact: no contact '{typed}' at {prospect}{said}; add them first: "
        f'salestrack contact add "{prospect}" "{typed}"'
    )


MAX_DOMAIN = 253
_LABEL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")


def clean_domain(field: str, typed: str | None) -> str | None:
    """A company's mail domain as stored: lower-case, without ``@``, ``www.`` or a web
    address around it (``https://www.Acme.com/`` -> ``acme.com``); '' or None is none.

    The one rule for ``prospect add/edit --domain``, ``import`` and ``import mail --new``.
    """
    if typed is None:
        return None
    domain = typed.strip().lower()
    for prefix in ("https://", "http://"):
        domain = domain.removeprefix(prefix)
    domain = domain.split("/", 1)[0].lstrip("@").removeprefix("www.").rstrip(".")
    if not domain:
        return None
    labels = domain.split(".")
    ok = (
        len(domain) <= MAX_DOMAIN
        and len(labels) >= 2
        and all(0 < len(x) <= 63 and set(x) <= _LABEL_CHARS for x in labels)
        and all(not x.startswith("-") and not x.endswith("-") for x in labels)
        and not labels[-1].isdigit()
    )
    if not ok:
        shown = "".join(ch if ch.isprintable() else "?" for ch in typed.strip()[:60])
        raise InvalidInput(field, f"'{shown}' is not a mail domain; write it as acme.com")
    return domain


def domain_of(address: str) -> str:
    """The lower-case domain of an email address (``Dana@Acme.COM`` -> ``acme.com``)."""
    return address.rpartition("@")[2].strip().lower().rstrip(".")


MAX_EMAIL = 320
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def check_email(typed: str | None, field: str = "--email") -> str | None:
    """An email address (one @, a dot in the domain, no spaces); '' clears it. The one rule
    for ``contact add/edit --email``, ``import contacts``, ``import mail --me`` and the
    setting ``my_addresses``."""
    if typed is None or not typed.strip():
        return None
    email = typed.strip()
    if len(email) > MAX_EMAIL or not _EMAIL.match(email):
        raise InvalidInput(field, f"'{email[:60]}' is not an email address; e.g. dana@acme.com")
    return email
