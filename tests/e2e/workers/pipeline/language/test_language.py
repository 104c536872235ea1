"""Language stage: real text in several languages, mixed text, the seeds, bad input.

No dev data from ``../shared``: every string is written here. Properties (segments tile the text,
neighbours differ, shares add up) are checked on every result, not only on chosen examples.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workers.pipeline.document import AnalysisDoc
from workers.pipeline.language import LanguageStage, configured_languages
from workers.pipeline.language.names import DEFAULT_LANGUAGES, NEWS_LANGUAGES
from workers.pipeline.normalize import NormalizeStage

SEEDS = Path(__file__).resolve().parents[5] / "seeds"


@pytest.fixture(scope="module")
def stage() -> LanguageStage:
    return LanguageStage()


def analyse(stage: LanguageStage, text: str, **article) -> dict:
    # The stage itself turns an internal error into "und"; call the analysis directly first so a
    # crash fails the test instead of hiding behind that safety net.
    direct = stage.analyse(text, article.get("language"))
    doc = AnalysisDoc(id="t", article={"url": "https://example.org/a", "text": text, **article}, text=text)
    stage(doc)
    lang = doc.language.model_dump()  # the record as the document stores it
    check_shape(doc.text, lang)
    assert {k: v for k, v in lang.items() if k != "hint"} == direct
    return lang


def check_shape(text: str, lang: dict) -> None:
    """Invariants every result must hold, whatever the input."""
    assert set(lang) >= {"code", "name", "confidence", "script", "reliable", "segments", "languages", "hint"}
    assert isinstance(lang["code"], str) and (lang["code"] == "und" or len(lang["code"]) == 2)
    assert 0.0 <= lang["confidence"] <= 1.0
    segs = lang["segments"]
    if not text:
        assert segs == []
    else:
        assert segs[0]["start"] == 0 and segs[-1]["end"] == len(text)
        for a, b in zip(segs, segs[1:]):
            assert a["end"] == b["start"]          # in order, no gap, no overlap
            assert a["code"] != b["code"]          # neighbours with one language are merged
        for s in segs:
            assert s["start"] < s["end"] and 0.0 <= s["confidence"] <= 1.0
    if lang["languages"]:
        assert abs(sum(x["share"] for x in lang["languages"]) - 1.0) < 0.01
        assert lang["languages"][0]["code"] == lang["code"]
        assert {x["code"] for x in lang["languages"]} <= {s["code"] for s in segs}
    json.dumps(lang)  # stored as JSON


SENTENCES = {
    "en": "The city council approved the new budget on Tuesday after a long debate about school funding.",
    "de": "Der Stadtrat hat am Dienstag nach einer langen Debatte den neuen Haushalt beschlossen.",
    "fr": "Le conseil municipal a adopté mardi le nouveau budget après un long débat sur les écoles.",
    "es": "El ayuntamiento aprobó el martes el nuevo presupuesto tras un largo debate sobre las escuelas.",
    "pt": "A câmara municipal aprovou na terça-feira o novo orçamento depois de um longo debate.",
    "it": "Il consiglio comunale ha approvato martedì il nuovo bilancio dopo un lungo dibattito.",
    "nl": "De gemeenteraad heeft dinsdag na een lang debat de nieuwe begroting goedgekeurd.",
    "sv": "Kommunfullmäktige godkände på tisdagen den nya budgeten efter en lång debatt om skolorna.",
    "pl": "Rada miejska zatwierdziła we wtorek nowy budżet po długiej debacie o szkołach.",
    "tr": "Belediye meclisi salı günü okullar hakkındaki uzun bir tartışmanın ardından yeni bütçeyi onayladı.",
    "vi": "Hội đồng thành phố đã thông qua ngân sách mới vào thứ Ba sau một cuộc tranh luận dài.",
    "id": "Dewan kota menyetujui anggaran baru pada hari Selasa setelah perdebatan panjang tentang sekolah.",
    "ru": "Городской совет во вторник утвердил новый бюджет после долгих дебатов о школах.",
    "uk": "Міська рада у вівторок затвердила новий бюджет після тривалої дискусії про школи.",
    "ar": "وافق مجلس المدينة يوم الثلاثاء على الميزانية الجديدة بعد نقاش طويل حول المدارس.",
    "fa": "شورای شهر روز سه‌شنبه پس از بحثی طولانی دربارهٔ مدرسه‌ها بودجهٔ جدید را تصویب کرد.",
    "hi": "नगर परिषद ने मंगलवार को स्कूलों पर लंबी बहस के बाद नए बजट को मंजूरी दी।",
    "zh": "市议会周二在经过关于学校经费的长时间辩论后批准了新的预算。",
    "ja": "市議会は火曜日、学校の予算をめぐる長い議論の末に新しい予算案を承認した。",
    "ko": "시의회는 화요일 학교 예산에 관한 긴 논쟁 끝에 새 예산안을 승인했다.",
    "el": "Το δημοτικό συμβούλιο ενέκρινε την Τρίτη τον νέο προϋπολογισμό μετά από μακρά συζήτηση.",
}


@pytest.mark.parametrize("code", sorted(SENTENCES))
def test_sentence_in_each_language(stage, code):
    lang = analyse(stage, SENTENCES[code])
    assert lang["code"] == code
    assert [s["code"] for s in lang["segments"]] == [code]
    assert lang["languages"] == [{"code": code, "share": 1.0}]
    assert lang["reliable"] is True


@pytest.mark.parametrize(
    "text,code",
    [
        ("Straßenbahnhaltestelle", "de"),
        ("Bundesregierung", "de"),
        ("aujourd'hui", "fr"),
        ("przedsiębiorstwo", "pl"),
        ("government officials", "en"),
        ("politiche economiche", "it"),
        ("Москва", "ru"),
        ("Київ", "uk"),
        ("東京の天気", "ja"),
        ("経済", "ja"),           # Japanese-only kanji form
        ("经济发展", "zh"),
        ("서울", "ko"),
    ],
)
def test_short_text(stage, text, code):
    assert analyse(stage, text)["code"] == code


def test_chinese_script_variant(stage):
    assert analyse(stage, "台灣的經濟發展與國際貿易關係")["script"] == "Hant"
    assert analyse(stage, "中国的经济发展与国际贸易关系")["script"] == "Hans"


def test_mixed_paragraphs_found_with_aligned_boundary(stage):
    en = ("The minister said the agreement would be signed next week. Negotiations lasted almost two years "
          "and involved dozens of experts from both countries.")
    de = ("Der Minister sagte, das Abkommen werde nächste Woche unterzeichnet. Die Verhandlungen dauerten fast "
          "zwei Jahre und beschäftigten Dutzende Fachleute aus beiden Ländern.")
    text = en + "\n\n" + de
    lang = analyse(stage, text)
    assert [s["code"] for s in lang["segments"]] == ["en", "de"]
    boundary = lang["segments"][1]["start"]
    assert text[boundary:].startswith("Der Minister")     # the switch sits at the paragraph
    assert {x["code"] for x in lang["languages"]} == {"en", "de"}


def test_mixed_sentences_in_one_paragraph(stage):
    text = ("Elections will be held in the spring. The opposition has already chosen its candidate. "
            "Las elecciones se celebrarán en primavera. La oposición ya ha elegido a su candidato para la "
            "presidencia del país.")
    lang = analyse(stage, text)
    assert [s["code"] for s in lang["segments"]] == ["en", "es"]
    assert text[lang["segments"][1]["start"]:].startswith("Las elecciones")


def test_foreign_script_line_over_english_body(stage):
    body = " ".join([SENTENCES["en"]] * 3)
    text = "東京で大きな地震が発生しました。\n\n" + body
    lang = analyse(stage, text)
    assert lang["code"] == "en"
    assert [s["code"] for s in lang["segments"]] == ["ja", "en"]
    assert text[lang["segments"][1]["start"]:].startswith("The city")


def test_no_false_foreign_segments_in_english(stage):
    # Names, a French phrase, a German word, an abbreviation: none of them is a language switch.
    text = ("Mr. Schmidt arrived in Paris on Monday. He called the plan a fait accompli and said the "
            "Zeitgeist had changed. \"Merci,\" he told reporters. Dr. López, the envoy from Madrid, "
            "agreed.\n\nOfficials in Brussels will meet again in March. The talks, led by Ms. Nakamura, "
            "are expected to last three days. Analysts at Deutsche Bank and BNP Paribas were cautious.")
    lang = analyse(stage, text)
    assert lang["code"] == "en"
    assert [s["code"] for s in lang["segments"]] == ["en"]
    assert lang["languages"] == [{"code": "en", "share": 1.0}]


def test_short_foreign_looking_lines_do_not_split_english(stage):
    text = ("Reporters asked the ambassador about the trade deal on Friday morning.\n\n"
            "Merci beaucoup.\n\n"
            "He then left the building without further comment, his spokesman said.\n\n"
            "Ja, natürlich.\n\n"
            "The talks will resume in Geneva next month, according to officials.")
    lang = analyse(stage, text)
    assert [s["code"] for s in lang["segments"]] == ["en"]
    assert lang["languages"] == [{"code": "en", "share": 1.0}]


def test_kanji_only_line_stays_in_japanese_article(stage):
    text = ("東京都知事は月曜日、新しい防災計画を発表した。\n"
            "令和六年度予算案。\n"
            "計画では、地震や台風に備えて避難所の数を増やすことが盛り込まれている。")
    lang = analyse(stage, text)
    assert lang["code"] == "ja"
    assert [s["code"] for s in lang["segments"]] == ["ja"]


def test_long_single_language_document(stage):
    paragraphs = [
        "The central bank left interest rates unchanged on Thursday, citing persistent inflation in services "
        "and a labour market that remains tight despite slower growth.",
        "Economists had expected the decision. Most of them now see the first cut arriving in the autumn, "
        "although several warned that energy prices could delay it again.",
        "The governor told a press conference that the board would look closely at wage settlements over the "
        "coming months before deciding on any change to its policy stance.",
    ]
    text = "\n\n".join(paragraphs * 6)  # ~3 kB: long enough for the fast path
    lang = analyse(stage, text)
    assert lang["code"] == "en" and lang["reliable"]
    assert [s["code"] for s in lang["segments"]] == ["en"]


def _seed(name: str) -> dict:
    return json.loads(next(SEEDS.glob(f"{name}*.json")).read_text())


def test_seed_002_english_with_traditional_chinese_head(stage):
    article = _seed("002")
    doc = AnalysisDoc(id="s", article=article)
    NormalizeStage()(doc)
    stage(doc)
    lang = doc.language.model_dump()
    check_shape(doc.text, lang)
    assert lang["code"] == "en"
    first = lang["segments"][0]
    assert first["code"] == "zh"
    head = doc.text[first["start"]:first["end"]]
    assert "北韓武器正在殺害烏克蘭人" in head and "Recently" not in head
    assert [s["code"] for s in lang["segments"]] == ["zh", "en"]
    zh_lines = [line for line in doc.text.splitlines() if any("\u4e00" <= ch <= "\u9fff" for ch in line)]
    assert all(doc.text.index(line) < first["end"] for line in zh_lines)
    assert {x["code"] for x in lang["languages"]} == {"en", "zh"}
    assert lang["script"] == "Latn"


def test_seed_000_is_plain_english(stage):
    article = _seed("000")
    doc = AnalysisDoc(id="s", article=article)
    NormalizeStage()(doc)
    stage(doc)
    check_shape(doc.text, doc.language.model_dump())
    assert doc.language["code"] == "en"
    assert [s["code"] for s in doc.language["segments"]] == ["en"]


def test_seed_002_through_build_pipeline():
    from workers.pipeline import build_pipeline

    document = build_pipeline().run(_seed("002"))
    lang = document["language"]
    check_shape(document["text"], lang)
    assert lang["code"] == "en" and lang["segments"][0]["code"] == "zh"


def test_hint_recorded_not_trusted(stage):
    lang = analyse(stage, SENTENCES["en"], language="fr")
    assert lang["hint"] == "fr"
    assert lang["code"] == "en"
    assert analyse(stage, SENTENCES["de"])["hint"] is None


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\n\t ",
        "1234567890 42 3.14159",
        "https://example.org/path?x=1 www.example.com john@example.com",
        "😀🎉🔥👍 🇫🇷",
        "12:30 — 15/06/2024 · €1,000,000",
        "\x00\x01\x02\x85\x9f\x7f",
    ],
)
def test_nothing_to_say_is_und(stage, text):
    lang = analyse(stage, text)
    assert lang["code"] == "und"
    assert lang["reliable"] is False
    assert lang["languages"] == []


@pytest.mark.parametrize(
    "text",
    [
        "a" * 1_000_000,
        "。" * 200_000,
        "word " * 200_000,
        "Invalid \ud800 surrogates \udfff in an English sentence about the weather today.",
        "Control\x00 characters\x1b[0m and C1\x85\x9b in an English sentence about the weather.",
        "\ufeffZero\u200bwidth\u200d joiners and a byte order mark in an English sentence.",
        "x" * 5000 + " " + "y" * 5000,
    ],
)
def test_bad_input_gives_valid_result(stage, text):
    lang = analyse(stage, text)
    assert lang["code"] in NAMES_OK


NAMES_OK = set(DEFAULT_LANGUAGES) | {"und"}


def test_random_garbage_keeps_the_invariants(stage):
    import random

    rng = random.Random(1234)
    pools = [
        "abcdefghijklmnopqrstuvwxyzäöüßéèàçñ", "абвгдеёжзийклмнопрстуфхцчшщьыэюяіїєґ", "的一是不了人我在有他这为之大来",
        "あいうえおかきくけこアイウエオ", "가나다라마바사아자차카타파하", "ابتثجحخدذرزسشصضطظعغفقكلمنهوي", "αβγδεζηθ",
        " \n\n\t.,!?。！？…«»\"'()-–—", "0123456789", "\x00\x07\x1b\x7f\x85\x9f\u200b\u200d\ufeff\ufffd\ud800\udfff",
        "😀🎉🔥👍🇫🇷", "@#://www.",
    ]
    for _ in range(150):
        n = rng.choice([1, 3, 10, 50, 300, 1500, 4000])
        text = "".join(rng.choice(rng.choice(pools)) for _ in range(n))
        analyse(stage, text)   # check_shape runs inside


def test_english_with_bad_characters_still_english(stage):
    assert analyse(stage, "Invalid \ud800 surrogates \udfff in an English sentence about the weather today.")[
        "code"] == "en"
    assert analyse(stage, "Control\x00 characters\x1b and C1\x85\x9b in an English sentence about the weather.")[
        "code"] == "en"


def test_language_setting():
    from shared.config import Settings
    from workers.pipeline.registry import get_spec

    assert configured_languages() == frozenset(DEFAULT_LANGUAGES)
    assert set(NEWS_LANGUAGES) <= configured_languages()
    assert configured_languages("en, de ,xx") == frozenset({"en", "de"})
    settings = Settings.from_env({"NEWSFLOW_LANGUAGES": "en, de ,xx"})
    narrow = get_spec("language").create(settings)  # as build_pipeline makes it
    assert narrow.languages == frozenset({"en", "de"})
    lang = analyse(narrow, SENTENCES["de"])
    assert lang["code"] == "de"
    assert analyse(narrow, SENTENCES["ko"])["code"] == "und"  # Korean is not configured
    assert LanguageStage(languages=["fr", "es"]).languages == frozenset({"fr", "es"})


def test_hint_breaks_a_tie_only(stage):
    # "casa" is Spanish, Portuguese and Italian alike: the hint may pick among them...
    assert analyse(stage, "casa", language="pt")["code"] == "pt"
    assert analyse(stage, "casa", language="es-MX")["code"] == "es"
    # ...but never overrules clear evidence.
    assert analyse(stage, "Der Mann liest die Zeitung", language="en")["code"] == "de"
    assert analyse(stage, "casa", language="ko")["code"] in {"es", "pt", "it"}


def test_low_memory_setting():
    from shared.config import Settings
    from workers.pipeline.registry import get_spec

    light = get_spec("language").create(Settings.from_env({"NEWSFLOW_LANGUAGE_LOW_MEMORY": "1"}))
    assert light.detector.low_memory is True
    for code in ("en", "de", "pt", "uk", "fa", "zh"):
        assert analyse(light, SENTENCES[code])["code"] == code
    assert analyse(light, "Bundesregierung")["code"] == "de"
    assert LanguageStage(low_memory=False).detector.low_memory is False


def test_stage_never_raises_on_non_string_hint(stage):
    doc = AnalysisDoc(id="t", article={"text": "x", "language": 42}, text=SENTENCES["fr"])
    stage(doc)
    assert doc.language["hint"] is None and doc.language["code"] == "fr"
