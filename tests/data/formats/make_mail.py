"""Writes the email fixtures of this folder with the standard library's email package.

    python tests/data/formats/make_mail.py

The newsletters are written for Briefing's tests; their layout follows the
common shapes of real ones (Mailchimp's default template and footer, a
plain-text edition wrapped at 72 columns with numbered stories, an HTML-only
agency alert sent base64-encoded, a non-UTF-8 regional edition).
"""

from __future__ import annotations

import hashlib
import textwrap
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

HERE = Path(__file__).resolve().parent / "mail"

DAILY_TEXT = """\
View this email in your browser: https://briefs.example.org/daily/2024-12-02

The Daily Brief -- Monday, 2 December 2024

In today's brief:
1. Ceasefire talks resume in Doha
2. Floods displace thousands in Valencia
3. Central bank holds rates

1. Ceasefire talks resume in Doha

Negotiators returned to Doha on Monday after a two-week pause, officials
said. Mediators met both delegations separately and will try to agree on
the order in which hostages and prisoners would be released.

"We are closer than we were a month ago," one mediator told reporters.

2. Floods displace thousands in Valencia

More than 4,000 people left their homes after the Turia burst its banks
for the second time in a month. Regional authorities said 12 people had
died and 30 were missing (https://briefs.example.org/r/9f2c).

3. Central bank holds rates

The central bank kept its main rate at 3.25 percent, as expected, and said
inflation was falling more slowly than it had forecast in September.

[1] https://briefs.example.org/r/1a2b

--------------------------------------------------------------------------
You are receiving this email because you subscribed to The Daily Brief.
Unsubscribe: https://briefs.example.org/u/abc123
Update your preferences: https://briefs.example.org/p/abc123
Copyright (c) 2024 Example Policy Institute, All rights reserved.
Our mailing address is: 1 Example Street, Brussels, Belgium
"""

DAILY_HTML = """\
<!doctype html>
<html><head><meta charset="utf-8"><title>The Daily Brief</title>
<style>td {{ font-family: Georgia; }}</style></head>
<body>
<table width="100%"><tr><td class="preheader">
 <a href="https://briefs.example.org/daily/2024-12-02">View this email in your browser</a>
</td></tr></table>
<table width="600"><tr><td>
<h1>The Daily Brief</h1>
<p>In today's brief:</p>
<ol><li>Ceasefire talks resume in Doha</li><li>Floods displace thousands in Valencia</li><li>Central bank holds rates</li></ol>
<h2>Ceasefire talks resume in Doha</h2>
<p>Negotiators returned to Doha on Monday after a two-week pause, officials said. Mediators met both
delegations separately and will try to agree on the order in which hostages and prisoners would be released.</p>
<h2>Floods displace thousands in Valencia</h2>
<p>More than 4,000 people left their homes after the Turia burst its banks for the second time in a month.
Regional authorities said 12 people had died and 30 were missing.</p>
<h2>Central bank holds rates</h2>
<p>The central bank kept its main rate at 3.25 percent, as expected, and said inflation was falling more
slowly than it had forecast in September.</p>
</td></tr></table>
<table><tr><td class="footer">
<p><em>Copyright &copy; 2024 Example Policy Institute, All rights reserved.</em></p>
<p>You are receiving this email because you subscribed to The Daily Brief.</p>
<p>Want to change how you receive these emails? You can <a href="https://briefs.example.org/p/abc123">update your preferences</a>
or <a href="https://briefs.example.org/u/abc123">unsubscribe from this list</a>.</p>
</td></tr></table>
<img src="https://track.example.org/open.gif?u=abc123" width="1" height="1" alt="">
</body></html>
"""

ALERT_HTML = """\
<html><head><title>Security alert</title></head><body>
<div style="display:none">Alert: roadblocks reported on the Kabul-Jalalabad road</div>
<table><tr><td><a href="https://alerts.example.net/view/7731">Trouble viewing? Read it online</a></td></tr>
<tr><td>
<h2>Roadblocks reported on the Kabul-Jalalabad road</h2>
<p>Armed men set up two roadblocks east of Sarobi on Sunday evening, according to local drivers. Traffic
was stopped for about three hours before police cleared the road.</p>
<p>Agencies are advised to postpone non-essential road movements on this route until Tuesday.</p>
<ul><li>Location: Sarobi district, Kabul province</li><li>Reported: 1 December 2024, 18:40 local time</li></ul>
</td></tr>
<tr><td><p>This message was sent to analyst@example.com by the Example Monitoring Service.</p>
<p><a href="https://alerts.example.net/unsubscribe?id=7731">Unsubscribe</a> | <a href="https://alerts.example.net/privacy">Privacy policy</a></p></td></tr>
</table>
<img src="https://alerts.example.net/o/7731/pixel.png" style="width:1px;height:1px;border:0">
</body></html>
"""

FRENCH_TEXT = """\
La Lettre de Bruxelles -- édition du 2 décembre 2024

Les ministres européens de l'énergie se réunissent lundi à Bruxelles pour
discuter du plafonnement des prix du gaz, a annoncé la présidence.

Selon un document consulté par la rédaction, la Commission propose un
plafond de 180 € par mégawattheure, applicable pendant six mois.

Pour vous désinscrire, cliquez ici : https://lettre.example.fr/desinscription
"""

RUSSIAN_TEXT = """\
Обзор прессы за 2 декабря 2024 года

Правительство объявило о новых мерах поддержки регионов, пострадавших от
наводнений. На восстановление выделено 12 миллиардов рублей.

Переговоры о поставках зерна продолжатся в среду, сообщили в министерстве.
"""


def message(subject: str, sender: str, date: str, list_id: str | None = None) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = sender
    msg["To"] = "analyst@example.com"
    msg["Date"] = date
    msg["Message-ID"] = f"<{hashlib.sha1(subject.encode()).hexdigest()[:12]}@example.org>"
    if list_id:
        msg["List-Id"] = list_id
    return msg


def main() -> None:
    (HERE / "newsletters" / "cur").mkdir(parents=True, exist_ok=True)
    (HERE / "newsletters" / "new").mkdir(parents=True, exist_ok=True)
    (HERE / "newsletters" / "tmp").mkdir(parents=True, exist_ok=True)
    (HERE / "newsletters" / "tmp" / ".keep").write_text("")

    # multipart/alternative: quoted-printable text, HTML beside it.
    daily = message("The Daily Brief: ceasefire talks, Valencia floods, rates",
                    "Example Policy Institute <brief@example.org>", "Mon, 02 Dec 2024 06:30:00 +0100",
                    "The Daily Brief <daily.briefs.example.org>")
    daily.set_content(DAILY_TEXT, cte="quoted-printable")
    daily.add_alternative(DAILY_HTML.format(), subtype="html", cte="quoted-printable")
    (HERE / "daily-brief.eml").write_bytes(daily.as_bytes(policy=SMTP))

    # HTML only, base64, with an encoded subject (RFC 2047) in the Maildir's new/.
    alert = message("Alerte sécurité: roadblocks on the Kabul–Jalalabad road",
                    "Example Monitoring <alerts@example.net>", "Sun, 01 Dec 2024 19:05:00 +0430")
    alert.set_content(ALERT_HTML, subtype="html", cte="base64")
    (HERE / "newsletters" / "new" / "1733065500.M1P100.mailhost").write_bytes(alert.as_bytes(policy=SMTP))

    # ISO-8859-15 (the euro sign is not in Latin-1), quoted-printable, in cur/ with flags.
    french = message("La Lettre de Bruxelles : plafond du prix du gaz",
                     "La Lettre de Bruxelles <lettre@example.fr>", "Mon, 02 Dec 2024 07:00:00 +0100",
                     "<lettre.example.fr>")
    french.set_content(FRENCH_TEXT, charset="iso-8859-15", cte="quoted-printable")
    (HERE / "newsletters" / "cur" / "1733119200.M2P100.mailhost:2,S").write_bytes(french.as_bytes(policy=SMTP))

    # multipart/alternative whose text part is only a pointer to the HTML one.
    stub = message("The Daily Brief: weekend edition", "Example Policy Institute <brief@example.org>",
                   "Sat, 30 Nov 2024 08:00:00 +0100", "The Daily Brief <daily.briefs.example.org>")
    stub.set_content("Your email program cannot show this newsletter.\n"
                     "View this email in your browser: https://briefs.example.org/daily/2024-11-30\n")
    stub.add_alternative(DAILY_HTML.format(), subtype="html", cte="base64")
    (HERE / "weekend-stub-text.eml").write_bytes(stub.as_bytes(policy=SMTP))

    # KOI8-R, base64, a plain .eml.
    russian = message("Обзор прессы", "Пресс-служба <press@example.ru>", "Mon, 02 Dec 2024 09:00:00 +0300")
    russian.set_content(RUSSIAN_TEXT, charset="koi8-r", cte="base64")
    (HERE / "press-review-koi8r.eml").write_bytes(russian.as_bytes(policy=SMTP))


if __name__ == "__main__":
    main()
    print(textwrap.dedent(f"wrote the fixtures in {HERE}"))
