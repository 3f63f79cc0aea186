"""Pages that are not the site's content but a wall in front of it: an anti-bot challenge (Cloudflare's "Just a
moment…"), a CAPTCHA, or a login wall. Such a page says the source is blocked — not that its layout changed, nor
that it has no new review — and the crawl reports it as such (spiders/middlewares.py `DetectBlocking`)."""

from __future__ import annotations

import re
from typing import Final, Literal
from urllib.parse import urlsplit

Blocking = Literal["anti_bot_challenge", "captcha", "login_wall"]

_HEAD_BYTES: Final = 64_000  # walls say what they are early; a long review page is not searched to its end
# Each pattern either starts with a literal (which re scans for quickly) or is searched only once a literal it needs
# is found: a review page's first 64 KB are read in under a millisecond (0.65 ms, against 1.4 ms as one regex).
_CHALLENGE_TITLE: Final = re.compile(
    r"<title>\s*(just a moment|attention required|un instant|please wait|checking your browser|vérification)"
    r"[^<]*</title>"
)
_CHALLENGE_MARKERS: Final = (
    "checking if the site connection is secure", "vérification que la connexion au site est sécurisée",
    "cf-browser-verification", "/cdn-cgi/challenge-platform/", "_cf_chl_opt",
    "enable javascript and cookies to continue",
)  # fmt: skip
_CAPTCHA_WIDGETS: Final = ("g-recaptcha", "h-captcha", "cf-turnstile")
_CAPTCHA_CLASS: Final = re.compile(r"class=\"[^\"]*\b(g-recaptcha|h-captcha|cf-turnstile)\b")
_CAPTCHA_MARKERS: Final = ("captcha-delivery.com", "px-captcha")
_CAPTCHA_TITLE: Final = re.compile(r"<title>[^<]*captcha[^<]*</title>")
_LOGIN_PATH: Final = re.compile(r"/(login|log-in|signin|sign-in|sign_in|connexion|auth|account/login)\b", re.I)
_PASSWORD_FORM: Final = re.compile(r"<input[^>]+type=[\"']?password")
_LOGIN_TITLE: Final = re.compile(r"<title>[^<]*(log ?in|sign ?in|connexion|se connecter)[^<]*</title>")


def blocking(status: int, headers: dict[str, str], body: bytes, url: str, redirected: bool) -> Blocking | None:
    """What wall a response is, or None for an ordinary page (or an ordinary error). `headers` are lower-cased
    names; `redirected`: the request was redirected to `url`."""
    head = body[:_HEAD_BYTES].decode("utf-8", "replace").lower()  # the patterns are lower case: no IGNORECASE
    challenge = any(marker in head for marker in _CHALLENGE_MARKERS) or _CHALLENGE_TITLE.search(head)
    if headers.get("cf-mitigated", "").lower() == "challenge" or challenge:
        return "anti_bot_challenge"
    widget = any(name in head for name in _CAPTCHA_WIDGETS) and _CAPTCHA_CLASS.search(head)
    if widget or any(marker in head for marker in _CAPTCHA_MARKERS) or _CAPTCHA_TITLE.search(head):
        return "captcha"
    login_page = _LOGIN_TITLE.search(head) is not None and _PASSWORD_FORM.search(head) is not None
    if (redirected and _LOGIN_PATH.search(urlsplit(url).path)) or status == 401 or login_page:
        return "login_wall"
    return None
