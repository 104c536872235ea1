"""Writing-system evidence: which scripts a piece of text is written in.

Script decides a lot before any statistical model is asked: Hangul is Korean, Kana is Japanese,
Han without Kana is Chinese, Devanagari/Greek/Hebrew/Thai/… each belong to one default language.
Only ambiguous scripts (Latin, Cyrillic, Arabic) go to a model.
"""

from __future__ import annotations

import re

# (script, regex character class). Order matters only for readability.
_SCRIPT_CLASSES: dict[str, str] = {
    "Latn": "A-Za-z\u00aa\u00b5\u00ba\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u0250-\u02af\u1e00-\u1eff\u2c60-\u2c7f\ua720-\ua7ff\uff21-\uff3a\uff41-\uff5a",
    "Cyrl": "\u0400-\u052f\u1c80-\u1c8f\u2de0-\u2dff\ua640-\ua69f",
    "Grek": "\u0370-\u03ff\u1f00-\u1fff",
    "Arab": "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff",
    "Hebr": "\u0590-\u05ff\ufb1d-\ufb4f",
    "Deva": "\u0900-\u097f\ua8e0-\ua8ff",
    "Beng": "\u0980-\u09ff",
    "Guru": "\u0a00-\u0a7f",
    "Gujr": "\u0a80-\u0aff",
    "Taml": "\u0b80-\u0bff",
    "Telu": "\u0c00-\u0c7f",
    "Knda": "\u0c80-\u0cff",
    "Mlym": "\u0d00-\u0d7f",
    "Sinh": "\u0d80-\u0dff",
    "Thai": "\u0e00-\u0e7f",
    "Laoo": "\u0e80-\u0eff",
    "Mymr": "\u1000-\u109f",
    "Geor": "\u10a0-\u10ff\u2d00-\u2d2f",
    "Ethi": "\u1200-\u139f",
    "Khmr": "\u1780-\u17ff",
    "Armn": "\u0530-\u058f",
    "Hang": "\u1100-\u11ff\u3130-\u318f\uac00-\ud7af",
    "Kana": "\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f",
    "Hani": "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f\u3005\u3007",
}
_SCRIPT_RES = {name: re.compile(f"[{cls}]") for name, cls in _SCRIPT_CLASSES.items()}
LETTER_RE = re.compile("[" + "".join(_SCRIPT_CLASSES.values()) + "]")

# The one language a script means by default (scripts shared by several languages are absent).
SCRIPT_LANGUAGE: dict[str, str] = {
    "Grek": "el", "Hebr": "he", "Deva": "hi", "Beng": "bn", "Guru": "pa", "Gujr": "gu", "Taml": "ta",
    "Telu": "te", "Knda": "kn", "Mlym": "ml", "Sinh": "si", "Thai": "th", "Laoo": "lo", "Mymr": "my",
    "Geor": "ka", "Ethi": "am", "Khmr": "km", "Armn": "hy", "Hang": "ko",
}
# Scripts whose language needs a model (candidates are filtered by the configured languages).
SCRIPT_CANDIDATES: dict[str, tuple[str, ...]] = {
    "Latn": ("en", "es", "fr", "de", "pt", "it", "nl", "tr", "pl", "vi", "id", "sv"),
    "Cyrl": ("ru", "uk"),
    "Arab": ("ar", "fa"),
}


def script_fits(code: str, script: str) -> bool:
    if script in ("Hani", "Kana"):
        return code in ("zh", "ja")
    if script in SCRIPT_LANGUAGE:
        return SCRIPT_LANGUAGE[script] == code
    return code in SCRIPT_CANDIDATES.get(script, ())


_LATIN_RUN_RE = re.compile(f"[{_SCRIPT_CLASSES['Latn']}]+")
_NON_LATIN_RUN_RE = re.compile("[" + "".join(c for s, c in _SCRIPT_CLASSES.items() if s != "Latn") + "]+")
_CHAR_SCRIPT: dict[str, str] = {}


def _script_of(ch: str) -> str:
    script = _CHAR_SCRIPT.get(ch)
    if script is None:
        script = next(name for name, rx in _SCRIPT_RES.items() if rx.match(ch))
        if len(_CHAR_SCRIPT) < 100_000:
            _CHAR_SCRIPT[ch] = script
    return script


def script_counts(text: str) -> dict[str, int]:
    """Number of letters of each script in ``text`` (scripts with no letters are left out)."""
    counts: dict[str, int] = {}
    latin = sum(map(len, _LATIN_RUN_RE.findall(text)))
    if latin:
        counts["Latn"] = latin
    for run in _NON_LATIN_RUN_RE.findall(text):
        for ch in run:
            script = _script_of(ch)
            counts[script] = counts.get(script, 0) + 1
    return counts


_OTHER_LETTERS: dict[str, re.Pattern[str]] = {}


def only_script(text: str, script: str) -> str:
    """``text`` with the letters of every other script blanked (for a model that reads one script)."""
    rx = _OTHER_LETTERS.get(script)
    if rx is None:
        rx = re.compile("[" + "".join(c for s, c in _SCRIPT_CLASSES.items() if s != script) + "]+")
        _OTHER_LETTERS[script] = rx
    return rx.sub(" ", text)


def letter_count(text: str) -> int:
    return len(LETTER_RE.findall(text))


# Characters that exist only in traditional (Hant) or only in simplified (Hans) Chinese writing;
# common ones only: enough to tell a headline's variant, not a converter.
_HANT_ONLY = set(
    "這個們來時會說國對學實際發經過還麼為們與從後現問題長開關門東車見貝頁區陽陰聽說話語讀寫書買賣"
    "錢銀鐵電視機場韓華臺灣歲歷當體點黨鄉應總統選舉議員軍隊戰爭鬥殺傷護衛聯盟邊輛網絡頭條樣氣"
    "極無萬與義務專業業務變動製濟權條約術醫療藥雖並處構達導領傳統億計劃報導記者團義認識讓議論"
    "區域環境緊張測試歐亞層廣東龍鳳島嶼貿圖書館顯顯視覺產業務積極響應營運輸資訊嚴禁擊斃彈"
)
_HANS_ONLY = set(
    "这个们来时会说国对学实际发经过还么为与从后现问题长开关门东车见贝页区阳阴听话语读写书买卖"
    "钱银铁电视机场韩华湾岁历当体点党乡应总统选举议员军队战争斗杀伤护卫联盟边辆网络头条样气"
    "极无万义务专业变动制济权约术医疗药虽并处构达导领传亿计划报记者团认识让论域环紧张测试欧亚"
    "层广龙凤岛屿贸图馆显觉产积响营运输资讯严禁击毙弹"
)
_SHARED = _HANT_ONLY & _HANS_ONLY
_HANT_ONLY -= _SHARED
_HANS_ONLY -= _SHARED


# Kanji in their Japanese (shinjitai) form, different from both Chinese standards, plus the
# iteration mark: a Han-only line holding them is Japanese (e.g. "国民運動連合所属。", "経済").
_JA_ONLY = set(
    "発広売読経済県駅円気実関沢払変転単戦伝労営総険検験歳渋鉄図団徳拝楽薬択辺浜両塩黒桜乗仮剤帯粋覧"
    "隠歩悪絵応黙壊懐拡巻勧歓観帰戯犠拠挙暁駆恵継軽鶏撃圏権鉱砕斎賛児釈収従獣縦粛処焼奨証畳譲醸"
    "酔穂摂専銭繊捜挿巣荘騒臓蔵続遅昼鋳聴闘届悩脳廃髪抜塀舗豊満訳揺謡頼竜猟緑涙塁霊齢暦歴録対弾"
    "亜圧囲栄縁殴穏価偽勲渓厳効雑糸歯剰嬢触斉説増庁逓稲毎様欄弐仏々"
)


def japanese_kanji(text: str) -> int:
    """How many characters of ``text`` are Japanese-only kanji forms."""
    return sum(1 for ch in text if ch in _JA_ONLY)


def simplified_count(text: str) -> int:
    return sum(1 for ch in text if ch in _HANS_ONLY)


def traditional_count(text: str) -> int:
    return sum(1 for ch in text if ch in _HANT_ONLY)


def han_variant(text: str) -> str:
    """``Hant`` when traditional-only characters outnumber simplified-only ones, else ``Hans``."""
    trad = simp = 0
    for ch in text:
        if ch in _HANT_ONLY:
            trad += 1
        elif ch in _HANS_ONLY:
            simp += 1
    return "Hant" if trad > simp else "Hans"
