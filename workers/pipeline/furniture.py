"""Site furniture that survives the extractor, dropped line by line before any offset exists.

A line goes when it is, as a whole, one of: a share/follow/subscribe/newsletter/cookie/sign-in/
comment/"read more" call to action, a bare byline or dateline (``By Jane Doe``, ``Published 3
March 2024``, ``Updated: 12:04``), a tweet byline (``— Donald J. Trump (@realDonaldTrump) March
21, 2020``), a copyright or "all rights reserved" line, a run of navigation labels (``Home | News
| Sport``), or a short line repeated on the page (menus printed twice). Lines carrying a
sentence of their own stay: only short lines are judged, and ``By Aaron Humes: The Americas…``
is kept.
"""

from __future__ import annotations

import re
from collections import Counter

_SHORT = 90  # characters; longer lines are body text whatever they start with

_CALLS = re.compile(  # calls to action: a line that starts so, short, and is not a sentence
    r"^[\W_]*(?:"
    r"share (?:this|on|via)|teilen (?:auf|mit|per)|partager sur|compartir en|condividi su|tweet this|"
    r"follow us|folge uns|suivez-nous|síguenos|"
    r"subscribe|abonnieren|abonnez-vous|suscr[ií]bete|(?:our |unser |zum )?newsletter|sign (?:up|in)|log ?in|"
    r"log ?out|jetzt anmelden|registrieren|se connecter|"
    r"(?:we use |this (?:web)?site uses |diese (?:web)?seite (?:verwendet|nutzt) )cookies?|accept (?:all )?cookies|"
    r"cookie (?:settings|policy|einstellungen)|privacy policy|datenschutz(?:erklärung)?|impressum|"
    r"terms (?:of|and) (?:use|service|conditions)|nutzungsbedingungen|agb|"
    r"read more|weiterlesen|mehr lesen|lire la suite|leer m[áa]s|continue reading|"
    r"(?:leave|post|add|write) a (?:comment|reply)|kommentar schreiben|\d+ (?:comments?|kommentare?|replies)|"
    r"advertisement|anzeige|werbung|publicité|publicidad|sponsored|"
    r"skip to (?:main )?content|zum inhalt springen|back to top|nach oben|"
    r"you (?:may|might) also like|ähnliche beiträge|related (?:articles|posts|stories)|more from"
    r")\b", re.I)
_CALL_ONLY = re.compile(
    r"^[\W_]*(?:(?:share|teilen|tweet|email|e-mail|print|facebook|twitter|linkedin|pinterest|whatsapp|reddit|"
    r"telegram|instagram|xing|flipboard|copy link|link kopieren|menu|menü|home|startseite|search|suche|"
    r"subscribe|abonnieren|newsletter|sign in|log ?in|register|registrieren|anmelden|comments?|kommentare?|"
    r"advertisement|anzeige|werbung|read more|weiterlesen|mehr|more|next|previous|weiter|zurück)[\W_]*)+$", re.I)
_COPYRIGHT = re.compile(r"(?:^\s*(?:©|\(c\)|copyright\b)|copyright\s*©|©\s*(?:19|20)\d\d|all rights reserved|alle rechte vorbehalten|"
                        r"tous droits réservés|todos los derechos reservados)", re.I)
_BYLINE = re.compile(
    r"^[\W_]*(?:by|von|par|por|di|door|av|written by|posted by|geschrieben von|autor(?:in)?:?|author:?|"
    r"text:|foto:|photo:|fotos?:|bild:|quelle:|source:)\s+"
    r"[\w.'’\- ]{2,60}(?:[,|/·•–—-]\s*[\w.'’\- ]{2,60}){0,3}$", re.I)
_MONTHS = (r"(?:jan|feb|m[aä]r|apr|ma[iy]|jun|jul|aug|sep|o[ck]t|nov|de[cz]|januar|februar|märz|juni|juli|"
           r"oktober|dezember|january|february|march|april|june|july|august|september|october|november|december|"
           r"janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre|"
           r"enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre)[a-z.]*")
_DATE = rf"(?:\d{{1,2}}[./-]\d{{1,2}}[./-](?:\d{{4}}|\d{{2}})|\d{{4}}[./-]\d{{1,2}}[./-]\d{{1,2}}|\d{{1,2}}\.? {_MONTHS}\.?,? \d{{2,4}}|{_MONTHS}\.? \d{{1,2}},? \d{{2,4}})"
_DATELINE = re.compile(
    rf"^[\W_]*(?:(?:published|posted|updated|veröffentlicht|aktualisiert|stand|publié|mis à jour|publicado|"
    rf"letzte änderung|zuletzt (?:aktualisiert|geändert)|last modified|"
    rf"actualizado|last updated|date|datum)\s*(?:on|am|le|el)?:?\s*)?"
    rf"(?:\w+,? )?{_DATE}(?:,?\s*(?:um |at |à |a las )?\d{{1,2}}[:.h]\d{{2}}(?:\s*(?:uhr|am|pm|h))?)?"
    rf"(?:\s*(?:\||·|•|-|–|—)\s*.{{0,80}})?[\W_]*$", re.I)
_TIME_ONLY = re.compile(r"^[\W_]*(?:published|posted|updated|aktualisiert|stand)?:?\s*\d{1,2}[:.]\d{2}"
                        r"(?:\s*(?:uhr|am|pm|h))?[\W_]*$", re.I)
_TWEET_BYLINE = re.compile(rf"^[\W_]*[^()@\n]{{0,60}}\(@\w{{1,15}}\)\s*{_DATE}[\W_]*$", re.I)
_LEAD_IN = re.compile(
    r"^[\W_]*(?:read more|read also|see also|related|more on this|lesen sie (?:auch|mehr)|auch interessant|mehr zum thema|"
    r"weitere (?:themen|artikel|beiträge|informationen)|zum weiterlesen|empfohlene beiträge|das könnte (?:sie|dich) "
    r"auch interessieren|lire aussi|à lire aussi|voir aussi|lee también|mira|puedes ver|leer también|te puede interesar|"
    r"quelle|source|credits?|crédits? photos?|foto|photo|bild|titelbild|beitragsbild|image|teilen mit|share this|"
    r"keine kommentare|no comments|view comments|kommentare insgesamt|wird geladen|loading)\b\s*[:.…]?", re.I)
_POLICY = re.compile(r"\b(?:privacy (?:policy|notice|statement|settings)|cookie (?:policy|notice|settings|preferences)|"
                     r"terms (?:of|and) (?:use|service|conditions)|help menu|main menu|hauptmenü|"
                     r"datenschutzerklärung|datenschutzhinweise|cookie-einstellungen)\b", re.I)
_CTA_SENTENCE = re.compile(  # a call to action written as a sentence
    r"^[\W_]*(?:subscribe (?:now|today|to)|sign up (?:for|to|now)|log in (?:to|for)|to (?:view|read) the full "
    r"(?:story|article)|follow (?:us|\w+(?: \w+){0,2}) on (?:twitter|facebook|instagram|x)|"
    r"(?:jetzt )?abonnieren sie|melden sie sich (?:jetzt )?an|abonnez-vous|"
    r"if you(?:'|’)re (?:seeing this message but you(?:'|’)re )?already a (?:subscriber|member)|"
    r"(?:for (?:the latest|more) .{0,60})?download (?:the|our) .{0,40}\bapps?\b|"
    r"get (?:the )?.{0,40}(?:daily|weekly) (?:edition|newsletter|briefing)|we need your help|"
    r"our standards:|(?:this (?:post|article|page) )?contains (?:affiliate links|references to products)|"
    r"(?:gefällt|gefallen) (?:dir|ihnen|euch) unser|kennt ihr schon unser|verraten sie (?:uns )?(?:gerne )?in den "
    r"kommentaren|die (?:aktuelle|neue) ausgabe .{0,120}(?:erhältlich|bestellen|am kiosk)|(?:anzeige|advertisement|sponsored)\s+[-–—:|])",
    re.I)
_LINK_CTA = re.compile(  # a link written as a line: "… findest du hier", "Hier geht es zur …", a file download
    r"^[\W_]*(?:hier geht(?:'s| es) (?:zu[rm]?|weiter)|click here|klicken sie hier)\b|"
    r"\b(?:findest du|finden sie|gibt es|lesen sie|erfahren sie|liest du) (?:alles )?hier[.!]?$|"
    r"(?<![a-z])(?:pdf|docx?|xlsx?|pptx?|zip)\s*[|,(]\s*\d+(?:[.,]\d+)?\s*[kmg]i?b\b", re.I)
_DISCLOSURE = re.compile(r"^[\W_]*this (?:post|article|page|story) (?:contains|may contain|includes) "
                         r"(?:references to products|affiliate links|sponsored)", re.I)
_RIGHTS = re.compile(r"\b(?:rights reserved|written permission|without (?:prior )?permission|reprint|reproduc\w+ "
                     r"(?:is|are|in whole)|copyrighted property)\b", re.I)
_CONSENT = re.compile(  # a form's consent checkbox
    r"\bI (?:have read(?: and (?:understood|accept(?:ed)?|agree(?:d)?))?|agree|accept|consent)\b.{0,200}"
    r"\b(?:privacy|terms|data protection|personal data)\b|"
    # a cookie banner
    r"\b(?:uses?|verwendet|nutzt|utilise)\s+cookies\b.{0,300}\b(?:consent|accept|agree|privacy|einverstanden|"
    r"datenschutz|zustimm|akzeptier)|"
    r"\bich (?:stimme|willige)\b.{0,200}\b(?:datenschutz|einwilligung)", re.I)
_NAV = re.compile(r"^(?:[^|»›>•·/]{1,30}\s*[|»›>•·/]\s*){2,}[^|»›>•·/]{1,30}$")
_FULL_STOP = re.compile(r"(?<!\d)\. ")  # a sentence break, not a date's "2. Februar"
_SENTENCE = re.compile(r"[.!?…:;]\s|[.!?…]$|[。！？]")


def is_furniture(line: str) -> bool:
    s = line.strip()
    if not s:
        return False
    if _TWEET_BYLINE.match(s) and len(s) <= 140:
        return True
    if len(s) <= 400 and _CONSENT.search(s):
        return True
    if len(s.split()) <= 40 and _CTA_SENTENCE.match(s) or len(s.split()) <= 100 and _DISCLOSURE.match(s):
        return True
    if len(s.split()) <= 15 and _LINK_CTA.search(s):
        return True
    if len(s) > _SHORT:
        return _COPYRIGHT.search(s) is not None and (len(s) < 200 and s.count(". ") < 2
                                                     or len(s) < 400 and _RIGHTS.search(s) is not None)
    if _CALL_ONLY.match(s) or _COPYRIGHT.search(s) or _DATELINE.match(s) or _TIME_ONLY.match(s):
        return True
    if len(s.split()) <= 6 and _POLICY.search(s) and not _SENTENCE.search(s):
        return True
    if _BYLINE.match(s) and not _SENTENCE.search(s):
        return True
    if _NAV.match(s) and not _SENTENCE.search(s):
        return True
    words = len(s.split())
    if words <= 14 and _LEAD_IN.match(s) and not _FULL_STOP.search(s):
        return True
    return words <= 8 and _CALLS.match(s) is not None and not _SENTENCE.search(s)


def _menu_label(line: str) -> bool:
    """Short, no sentence, no digits or code: what a navigation entry looks like."""
    return len(line) <= 60 and len(line.split()) <= 6 and not _SENTENCE.search(line) and not re.search(r"[\d:=/()]", line)


def drop_furniture(blocks: list[str]) -> list[str]:
    """The blocks without furniture lines; a menu-like label repeated on the page goes entirely."""
    lines = [ln.strip() for b in blocks for ln in b.split("\n") if ln.strip()]
    seen = Counter(ln for ln in lines if _menu_label(ln))
    out: list[str] = []
    for b in blocks:
        keep = [ln for ln in b.split("\n")
                if ln.strip() and not is_furniture(ln) and seen.get(ln.strip(), 0) < 2]
        if keep:
            out.append("\n".join(keep))
    return out


_RELATED = re.compile(  # a heading that opens a block of links to other pages
    r"^[\W_]*(?:related(?: \w+)?|(?:\w+ )?relacionad[oa]s?|noticias relacionadas|contenido relacionado|"
    r"more (?:from|on|stories|news|articles|to read|in)\b.{0,40}|(?:you (?:may|might) )?also like|read (?:next|also)|"
    r"also on .{1,30}|recommended(?: for you| stories| articles)?|top stories|most (?:read|popular|viewed)|"
    r"(?:das )?könnte (?:sie|dich|euch) auch interessieren|auch (?:auf|bei) .{1,30}|auch interessant|"
    r"mehr (?:themen|zum thema|artikel|news|nachrichten|dazu|aus \w+)\b.{0,30}|"
    r"weitere (?:\w+ ){0,2}(?:themen|artikel|beiträge|tipps|tourentipps|nachrichten|news|meldungen|rezepte)\b.{0,40}|"
    r"meistgelesen|meist gelesen|ähnliche (?:artikel|beiträge|themen)|empfohlene (?:artikel|beiträge)|"
    r"(?:à )?lire aussi|voir aussi|sur le même sujet|dans la même rubrique|"
    r"lee también|te puede interesar|más noticias|también te puede interesar|"
    r"leggi anche|potrebbe interessarti|ti potrebbe interessare|"
    # an about-the-author/series box, a press-contact block
    r"about the authors?|über (?:den|die) autor(?:in|en)?|zur person|über diese (?:reihe|serie)|about this series|"
    r"pressekontakt|medienkontakt|pressestelle|media contacts?|press contacts?|media (?:enquiries|inquiries)|"
    r"ansprechpartner(?:in)?(?: zum thema| für (?:die )?(?:presse|medien))?|kontakt für (?:die )?(?:presse|medien))"
    r"[\W_]*$", re.I)
TAIL_FROM = 0.7  # a related-links heading in the last 30 % of the text ends the article


def cut_related_tail(blocks: list[str]) -> list[str]:
    """Everything from a "Related / More from … / Weitere Artikel" (or press-contact) heading on,
    when that heading is a short line of its own, printed once, in the last part of the text
    (teaser lists and contact boxes after the article)."""
    total = sum(len(b) for b in blocks)
    counts = Counter(ln.strip() for b in blocks for ln in b.split("\n"))  # a label printed twice is a menu entry
    seen = 0
    for bi, b in enumerate(blocks):
        lines = b.split("\n")
        for li, ln in enumerate(lines):
            s = ln.strip()
            if (seen >= TAIL_FROM * total and len(s.split()) <= 8 and not _SENTENCE.search(s.rstrip(":"))
                    and _RELATED.match(s) and counts[s] == 1):
                head = "\n".join(lines[:li]).strip()
                return [*blocks[:bi], head] if head else blocks[:bi]
            seen += len(ln) + 1
    return blocks
