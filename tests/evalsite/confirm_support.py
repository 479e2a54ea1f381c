"""Confirm, then act, as a browser without JavaScript does: post, read the confirmation page, post again."""
from __future__ import annotations

import re

TOKEN = re.compile(r'name="confirm" value="([0-9a-f]+)"')


def confirmation_token(resp) -> str:
    page = resp.data.decode()
    match = TOKEN.search(page)
    assert resp.status_code == 200 and match, f"no confirmation page ({resp.status_code}): {page[:300]}"
    return match.group(1)


def confirmed_post(client, url: str, data: dict | None = None):
    """POST, expect the confirmation page (nothing done yet), then POST again with its token."""
    first = client.post(url, data=dict(data or {}))
    if first.status_code != 200:
        return first  # a refusal (403/409/400) comes before any confirmation
    token = confirmation_token(first)
    return client.post(url, data={**(data or {}), "confirm": token})
