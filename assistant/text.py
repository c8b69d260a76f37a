"""Vietnamese text facts used for matching: Unicode form, tone placement, diacritic folding,
abbreviations. Display always uses the source text; these forms exist only to compare."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Callable
from pathlib import Path

# Combining tone marks (NFD): grave, acute, tilde, hook above, dot below.
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_VOWELS = set("aăâeêioôơuưy")
_WORD = re.compile(r"\w+", re.UNICODE)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def top_level_cuts(text: str, is_cut: Callable[[int], bool], start: int = 0, end: int | None = None) -> list[int]:
    """Positions in text[start:end], outside parentheses, where is_cut(position) holds: a ';' or
    '.' inside "(trước ngày 10 tháng cuối quý; ngày 10/12)" never splits a clause."""
    cuts, depth = [], 0
    for i in range(start, len(text) if end is None else end):
        ch = text[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif depth == 0 and is_cut(i):
            cuts.append(i)
    return cuts


def fold_char(ch: str) -> str:
    """One character without its diacritics (NFD, combining marks dropped), đ→d."""
    decomposed = unicodedata.normalize("NFD", ch)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("đ", "d")


class _FoldTable(dict):
    """str.translate table filled on first sight of each character: folding is per character
    (marks are dropped, so NFD's reordering of them cannot matter), and a table lookup is an
    order of magnitude faster than normalising every string (fold runs on every clause)."""

    def __missing__(self, codepoint: int) -> str:
        folded = fold_char(chr(codepoint))
        self[codepoint] = folded
        return folded


_FOLD_TABLE = _FoldTable()


def fold(text: str) -> str:
    """Lower-case, no diacritics, đ→d: the form in which an OCR scan and a typed query agree."""
    return text.lower().translate(_FOLD_TABLE)


@lru_cache(maxsize=200_000)
def place_tone(syllable: str) -> str:
    """Move the tone mark to the traditional place used by most official texts (hoá → hóa, uỷ → ủy).

    Files mix both placements; one canonical placement makes accented tokens comparable.
    """
    decomposed = unicodedata.normalize("NFD", syllable)
    tone = next((ch for ch in decomposed if ch in _TONES), None)
    if tone is None:
        return syllable
    base = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch != tone))
    lower = base.lower()
    vowel_positions = [i for i, ch in enumerate(lower) if fold(ch) in _VOWELS or ch in _VOWELS]
    if not vowel_positions:
        return syllable
    # "gi" and "qu" open with a glide that never carries the tone.
    if lower.startswith("qu") or (lower.startswith("gi") and len(vowel_positions) > 1):
        vowel_positions = [i for i in vowel_positions if i >= 2] or vowel_positions
    cluster = vowel_positions
    marked = [i for i in cluster if lower[i] in "ăâêôơư"]
    if marked:
        target = marked[-1] if len(marked) > 1 and lower[marked[-1]] == "ơ" else marked[0]
    elif len(cluster) == 1:
        target = cluster[0]
    elif cluster[-1] < len(lower) - 1:  # cluster followed by a final consonant: last vowel
        target = cluster[-1]
    elif len(cluster) >= 3:
        target = cluster[1]
    else:  # two open vowels (ai, ao, ia, ua, and the disputed oa, oe, uy): the first
        target = cluster[0]
    chars = list(base)
    chars[target] = unicodedata.normalize("NFC", chars[target] + tone)
    return "".join(chars)


_VARIANTS = {"hằng": "hàng", "Hằng": "Hàng"}  # hằng năm = hàng năm, hằng quý = hàng quý


# "kí"/"ký", "lí"/"lý", "mĩ"/"mỹ", "sĩ"/"sỹ": after a consonant onset, a syllable
# whose only vowel is i or y is spelt either way (both spellings are in official use). One form
# (i) on both sides lets a question typed one way meet a plan written the other. Syllables
# where y follows another vowel (tay/tai, tuy/tui) are different words and keep their y.
_IY_SYLLABLE = re.compile(r"^(?:b|c|ch|d|đ|g|h|k|kh|l|m|n|nh|p|ph|r|s|t|th|tr|v|x)([yýỳỷỹỵ])$")
_Y_TO_I = str.maketrans("yýỳỷỹỵYÝỲỶỸỴ", "iíìỉĩịIÍÌỈĨỊ")


def unify_iy(syllable: str) -> str:
    match = _IY_SYLLABLE.match(syllable.lower())
    return syllable[:-1] + syllable[-1].translate(_Y_TO_I) if match else syllable


def canonical(text: str) -> str:
    """NFC with one tone placement and one spelling of free variants: the accented matching form."""
    text = nfc(text)
    return _WORD.sub(lambda m: _VARIANTS.get(m.group(0)) or place_tone(m.group(0)), text)


def lexical_form(text: str) -> str:
    """What retrieval and answer coverage compare: clean_input, canonical, and i/y spellings as one
    (only there: names keep their own spelling wherever they are shown or matched as names)."""
    return _WORD.sub(lambda m: unify_iy(m.group(0)), canonical(clean_input(text)))


# Characters a copy from a web page or a phone keyboard brings along: zero-width spaces and
# joiners, the BOM and the soft hyphen (removed), no-break and narrow spaces (a space).
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"), None)
_SPACE_LIKE = re.compile(r"[\u00a0\u2007\u202f\u2000-\u200a\u205f\u3000]")


def clean_input(text: str) -> str:
    """Typed or pasted text in one form: NFKC (fullwidth ｋｅ → ke, ligatures apart), invisible
    characters dropped, every kind of space a plain space, then NFC for Vietnamese."""
    text = _SPACE_LIKE.sub(" ", text.translate(_INVISIBLE))
    return unicodedata.normalize("NFC", unicodedata.normalize("NFKC", text))


# The same variants towards y, for a question before it is read: the readers' patterns ("ai ký",
# "quản lý", "Phú Mỹ") are written with y. Only onsets whose i-syllables all have a y twin in
# use (kí/ký, lí/lý, mĩ/mỹ, tỉ/tỷ, sĩ/sỹ, hi/hy); "thị", "chi", "vì", "đi" never become y.
_I_SYLLABLE = re.compile(r"\b([kKlLmMtTsShH])([iíìỉĩịIÍÌỈĨỊ])\b")
_I_TO_Y = str.maketrans("iíìỉĩịIÍÌỈĨỊ", "yýỳỷỹỵYÝỲỶỸỴ")


def y_spelling(text: str) -> str:
    return _I_SYLLABLE.sub(lambda m: m.group(1) + m.group(2).translate(_I_TO_Y), text)


def lone_surrogate(text: str) -> int:
    """Position of the first lone surrogate (text no encoder can write), else -1."""
    return next((i for i, ch in enumerate(text) if 0xD800 <= ord(ch) <= 0xDFFF), -1)


def has_diacritics(text: str) -> bool:
    return any(ord(ch) > 127 and ch.isalpha() for ch in text)


# The national motto every document's header carries, folded and OCR-tolerant ("CỘNG HOÀ XÃ HỌI
# CHỦ NGHĨA"): where it stands, a document's header begins.
# Vietnamese family names, the commonest hundred or so: together they cover nearly every name an
# office document carries, and they tell a person's name from a capitalised post ("Trưởng Ban
# Chỉ đạo" is not "Trương …", so they are compared with their marks).
FAMILY_NAMES = frozenset("""
nguyễn trần lê phạm hoàng huỳnh phan vũ võ đặng bùi đỗ hồ ngô dương lý đinh đoàn trịnh trương lâm
lương mai cao chu quách hà thái tăng kiều la lưu tôn tống châu giang khúc lại lò lữ mạc nghiêm ông
phùng quan thân thạch tiêu triệu văn vương diệp đào đàm đồng kim kha khổng lăng liêu mạch mẫn
nông ninh tất thiều tiết trác từ ứng vi âu bạch cù giáp hàn hầu hứa khuất lộc mông nhâm phí
phương sầm tạ thịnh trà
""".split())
FAMILY_NAMES_FOLDED = frozenset(fold(name) for name in FAMILY_NAMES)

NATIONAL_MOTTO = re.compile(r"\bcong h\w{1,2} xa h\w{1,2} chu ngh\w{1,2}\b")

_SYLLABLE = re.compile(r"^(?:ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdghklmnprstvx])?[aeiouy]{1,4}(?:ch|ng|nh|[cmnpt])?$")


def is_vietnamese_syllable(word: str) -> bool:
    """Whether a word (marks or not) has the shape of one Vietnamese syllable: "Thang", "Huoai"
    do; "City", "Law", "Employment" do not. Tells a place typed without marks from English."""
    return bool(_SYLLABLE.match(fold(word).lower()))


def diacritic_ratio(text: str) -> float:
    """Share of syllables carrying a Vietnamese mark: ~0.5+ in typed text, far less in a scan
    that lost its diacritics (its stray "é" are OCR noise, not spelling)."""
    words = _WORD.findall(text)
    return sum(has_diacritics(w) for w in words) / len(words) if words else 0.0


def syllables(text: str) -> list[str]:
    return _WORD.findall(text)


# Abbreviations of the genre and what they stand for; expansion is applied to documents and
# questions alike so that "UBND" and "Ủy ban nhân dân" meet whichever side used which.
ABBREVIATIONS: dict[str, str] = {
    "UBND": "Ủy ban nhân dân",
    "HĐND": "Hội đồng nhân dân",
    "MTTQVN": "Mặt trận Tổ quốc Việt Nam",
    "MTTQ": "Mặt trận Tổ quốc",
    "UBMTTQVN": "Ủy ban Mặt trận Tổ quốc Việt Nam",
    "VH-XH": "Văn hóa - Xã hội",
    "VHXH": "Văn hóa - Xã hội",
    "VH-TT": "Văn hóa - Thông tin",
    "VHTT": "Văn hóa Thông tin",
    "TT&TT": "Thông tin và Truyền thông",
    "KH&CN": "Khoa học và Công nghệ",
    "KHCN": "Khoa học và Công nghệ",
    "DNVT": "doanh nghiệp viễn thông",
    "DN": "doanh nghiệp",
    "BRDĐ": "băng rộng di động",
    "BRDD": "băng rộng di động",
    "BRCĐ": "băng rộng cố định",
    "BRCD": "băng rộng cố định",
    "CSDL": "cơ sở dữ liệu",
    "CNTT": "công nghệ thông tin",
    "CBCC-VC": "cán bộ công chức viên chức",
    "CBCC": "cán bộ công chức",
    "LGSP": "nền tảng tích hợp chia sẻ dữ liệu",
    "SOC": "trung tâm giám sát an toàn thông tin",
    "BTS": "trạm thu phát sóng",
    "FTTH": "cáp quang đến hộ gia đình",
    "IoT": "Internet vạn vật",
    "AI": "trí tuệ nhân tạo",
    "TTĐT": "thông tin điện tử",
    "TP": "thành phố",
    "KT-XH": "kinh tế - xã hội",
    "QĐ": "quyết định",
    "KH": "kế hoạch",
    "VT": "văn thư",
    "TTg": "Thủ tướng",
    "NQ": "nghị quyết",
    "PCT": "phó chủ tịch",
    "CT": "chủ tịch",
    # The administration's own shorthand, in every field.
    "TTHC": "thủ tục hành chính",
    "CCHC": "cải cách hành chính",
    "GPMB": "giải phóng mặt bằng",
    "KCN": "khu công nghiệp",
    "CCN": "cụm công nghiệp",
    "NSNN": "ngân sách nhà nước",
    "GTVT": "giao thông vận tải",
    "TN&MT": "tài nguyên và môi trường",
    "NN&MT": "nông nghiệp và môi trường",
    "NN&PTNT": "nông nghiệp và phát triển nông thôn",
    "LĐTB&XH": "lao động thương binh và xã hội",
    "GD&ĐT": "giáo dục và đào tạo",
    "KH&ĐT": "kế hoạch và đầu tư",
    "BCĐ": "ban chỉ đạo",
    "PCCC": "phòng cháy chữa cháy",
    "ATGT": "an toàn giao thông",
    "ATTP": "an toàn thực phẩm",
    "BHXH": "bảo hiểm xã hội",
    "BHYT": "bảo hiểm y tế",
    "VLNCN": "vật liệu nổ công nghiệp",
    "HTX": "hợp tác xã",
    "NTM": "nông thôn mới",
    "MTQG": "mục tiêu quốc gia",
    "CĐS": "chuyển đổi số",
}
_ABBREV_FOLDED = {fold(k): v for k, v in ABBREVIATIONS.items()}
_ABBREV_TOKEN = re.compile(r"[\w&-]+", re.UNICODE)


def _is_abbreviation_form(token: str) -> bool:
    """Two capitals at least (UBND, IoT, TTg): a capitalised sentence start ("Ai") is a word."""
    return sum(ch.isupper() for ch in token) >= 2


def expand_abbreviations(text: str, keep: bool = True) -> str:
    """Append the expansion after each known abbreviation (keeps the abbreviation itself; with
    `keep=False` the expansion replaces it, so "TTHC" and "thủ tục hành chính" read the same).

    Matching is on the folded form so an OCR'd "HDND" or a typed "ubnd" is recognised; only
    tokens with two capitals or more (UBND, IoT, TTg) count, so the word "ai" is not "AI".
    """

    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        if not _is_abbreviation_form(token):
            return token
        expansion = _ABBREV_FOLDED.get(fold(token))
        return (f"{token} ({expansion})" if keep else expansion) if expansion else token

    return _ABBREV_TOKEN.sub(replace, text)


def expand_query_abbreviations(text: str, keep: bool = True) -> str:
    """Questions are typed casually ("ubnd", "brdd"): expand lower-case forms too, except
    those that are ordinary Vietnamese words (ai, dn is never a word but 'ai' and 'vt' …)."""
    ambiguous = {"ai", "ct", "kh", "vt", "tp", "dn", "soc", "qd", "nq"}

    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        key = fold(token)
        if key in ambiguous and not _is_abbreviation_form(token):
            return token
        expansion = _ABBREV_FOLDED.get(key)
        return (f"{token} ({expansion})" if keep else expansion) if expansion else token

    return _ABBREV_TOKEN.sub(replace, text)


# English domain terms → Vietnamese, for English questions: the lexical side has nothing to
# match otherwise (the dense model is multilingual, but weak alone). The genre's general
# vocabulary is kept in data/en_vi_terms.tsv (written from the language, not from any plan); the
# entries below were added while reading English questions and win where both have a key.
_GLOSSARY = Path(__file__).resolve().parent / "data" / "en_vi_terms.tsv"
_GENERAL_GLOSSARY = Path(__file__).resolve().parent / "data" / "en_vi_terms_general.tsv"


def _glossary_terms(path: Path = _GLOSSARY) -> dict[str, str]:
    """`english<TAB>vietnamese[ | other rendering]` lines; every rendering is used (plans write
    either "bảo đảm" or "đảm bảo")."""
    terms: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#") and "\t" in line:
            english, vietnamese = line.split("\t", 1)
            renderings = [v.strip() for v in vietnamese.split("|") if v.strip()]
            terms[english.strip().lower()] = " ".join(renderings)
    return terms


_HAND_TERMS: dict[str, str] = {
    "report": "báo cáo", "reports": "báo cáo", "reporting": "báo cáo",
    "deadline": "thời hạn trước ngày", "before": "trước", "by when": "trước ngày",
    "annually": "hằng năm", "annual": "hằng năm", "yearly": "hằng năm", "every year": "hằng năm",
    "quarterly": "hàng quý", "quarter": "quý",
    "lead": "chủ trì", "leads": "chủ trì", "in charge": "chủ trì", "responsible": "trách nhiệm",
    "coordinate": "phối hợp", "coordinates": "phối hợp", "cooperate": "phối hợp",
    "advise": "tham mưu", "advises": "tham mưu",
    "target": "mục tiêu chỉ tiêu", "targets": "mục tiêu chỉ tiêu", "goal": "mục tiêu",
    "budget": "kinh phí ngân sách", "funding": "kinh phí", "funds": "kinh phí", "cost": "kinh phí",
    "fiber": "cáp quang", "fibre": "cáp quang", "optical": "cáp quang",
    "broadband": "băng rộng", "mobile": "di động", "fixed": "cố định", "speed": "tốc độ",
    "households": "hộ gia đình", "household": "hộ gia đình", "smartphone": "điện thoại thông minh",
    "smartphones": "điện thoại thông minh", "digital signature": "chữ ký số",
    "digital": "số", "infrastructure": "hạ tầng", "plan": "kế hoạch", "plans": "kế hoạch",
    "signed": "ký", "signer": "người ký", "who signed": "người ký",
    "number": "số hiệu", "issued": "ban hành", "date": "ngày",
    "based on": "căn cứ", "basis": "căn cứ", "implements": "thực hiện",
    "police": "công an", "ward": "phường", "commune": "xã", "town": "thị xã thị trấn",
    "people's committee": "Ủy ban nhân dân", "people's committees": "Ủy ban nhân dân", "committee": "Ủy ban",
    "committees": "Ủy ban",
    "telecommunications": "viễn thông", "telecom": "viễn thông", "enterprises": "doanh nghiệp",
    "businesses": "doanh nghiệp", "companies": "doanh nghiệp",
    "propaganda": "tuyên truyền", "communication": "tuyên truyền", "radio": "truyền thanh",
    "cloud": "điện toán đám mây", "data": "dữ liệu", "coverage": "phủ sóng", "wifi": "wifi",
    "sharing": "dùng chung", "shared": "dùng chung", "recipients": "nơi nhận",
    "replace": "thay thế", "replaces": "thay thế", "replaced": "thay thế",
    "duties": "nhiệm vụ trách nhiệm", "tasks": "nhiệm vụ", "culture": "văn hóa",
    "finance": "tài chính", "accounting": "kế toán", "cadastral": "địa chính",
    # The genre's general vocabulary: kinds of document, bodies, actions, public-service topics.
    "directive": "chỉ thị", "decision": "quyết định", "official letter": "công văn", "letter": "công văn",
    "notice": "thông báo", "conclusion": "kết luận", "circular": "thông tư", "joint circular": "thông tư liên tịch",
    "decree": "nghị định", "resolution": "nghị quyết", "law": "luật", "prime minister": "Thủ tướng",
    "department": "sở", "departments": "sở", "agency": "cơ quan", "agencies": "cơ quan", "province": "tỉnh",
    "provincial": "tỉnh", "district": "huyện", "districts": "huyện", "city": "thành phố", "team": "đoàn",
    "inspection": "kiểm tra", "inspect": "kiểm tra", "head": "trưởng", "heads": "trưởng", "chair": "chủ trì",
    "chairs": "chủ trì", "member": "thành viên", "members": "thành viên", "staff": "cán bộ",
    "embassy": "đại sứ quán", "embassies": "đại sứ quán", "art": "nghệ thuật", "troupe": "đoàn nghệ thuật",
    "troupes": "đoàn nghệ thuật", "festival": "festival", "opening": "khai mạc", "closing": "bế mạc",
    "exhibition": "triển lãm", "tourism": "du lịch", "drainage": "thoát nước", "flooding": "úng ngập",
    "flood": "úng ngập", "rainfall": "lượng mưa", "rain": "mưa", "rainy season": "mùa mưa", "storm": "bão",
    "bridge": "cầu", "bridges": "cầu", "safety": "an toàn", "traffic": "giao thông", "transport": "giao thông vận tải",
    "military": "quân sự", "poverty": "nghèo", "employment": "việc làm", "drug": "ma túy", "drugs": "ma túy",
    "rehabilitation": "cai nghiện", "election": "bầu cử", "training": "tập huấn", "software": "phần mềm",
    "explosives": "vật liệu nổ", "warehouse": "kho", "fire": "phòng cháy", "investment": "đầu tư",
    "investor": "nhà đầu tư", "equitization": "cổ phần hóa", "company": "công ty", "progress": "tiến độ",
    "form": "biểu mẫu", "compensation": "bồi thường", "site clearance": "giải phóng mặt bằng",
    "handover": "bàn giao", "inventory": "kiểm kê", "public assets": "tài sản công", "assets": "tài sản",
    "monitoring": "quan trắc", "aquaculture": "nuôi trồng thủy sản", "environment": "môi trường",
    "environmental": "môi trường", "subscribers": "thuê bao", "invitation": "giấy mời", "payment": "chi trả",
    "cash": "tiền mặt", "cashless": "không dùng tiền mặt", "social assistance": "trợ giúp xã hội",
    "pension": "hưu trí", "bank": "ngân hàng", "state budget": "ngân sách nhà nước", "procedures": "thủ tục",
    "administrative procedures": "thủ tục hành chính", "review": "rà soát", "expressway": "cao tốc",
    "highway": "cao tốc", "industrial": "công nghiệp", "industry": "công nghiệp", "park": "khu",
    "zones": "khu", "digital transformation": "chuyển đổi số", "economy": "kinh tế", "society": "xã hội",
    "health": "y tế", "education": "giáo dục", "agriculture": "nông nghiệp", "station": "trạm",
    "stations": "trạm", "points": "điểm", "point": "điểm", "households": "hộ", "people": "người",
    "invited": "mời", "invite": "mời", "send": "gửi", "sends": "gửi", "submit": "gửi", "prepare": "chuẩn bị",
    "complete": "hoàn thành", "completed": "hoàn thành", "appoint": "giao", "assigned": "giao", "assign": "giao",
    "propose": "đề xuất", "proposes": "đề xuất", "guide": "hướng dẫn", "guides": "hướng dẫn",
    "urgency": "khẩn", "urgent": "khẩn", "period": "giai đoạn", "year": "năm", "month": "tháng",
    "steering committee": "ban chỉ đạo", "steering committees": "ban chỉ đạo", "set up": "thành lập",
    "establish": "thành lập", "established": "thành lập", "level": "cấp", "working group": "tổ công tác",
    "council": "hội đồng", "chairman": "chủ tịch", "vice chairman": "phó chủ tịch", "secretary": "thư ký",
    "deputy": "phó", "organize": "tổ chức", "organise": "tổ chức", "implementation": "triển khai thực hiện",
    "summary": "tổng hợp", "summarize": "tổng hợp", "results": "kết quả", "result": "kết quả",
    "fee": "phí", "fees": "phí", "cost estimate": "dự toán", "vehicle": "phương tiện", "car": "xe",
    # Central bodies documents cite, and what they regulate.
    "government": "Chính phủ", "government office": "Văn phòng Chính phủ", "ministry": "Bộ", "minister": "Bộ trưởng",
    "ministry of construction": "Bộ Xây dựng", "ministry of finance": "Bộ Tài chính",
    "ministry of transport": "Bộ Giao thông vận tải", "ministry of home affairs": "Bộ Nội vụ",
    "ministry of industry and trade": "Bộ Công Thương", "ministry of health": "Bộ Y tế",
    "ministry of education and training": "Bộ Giáo dục và Đào tạo", "ministry of public security": "Bộ Công an",
    "ministry of agriculture and environment": "Bộ Nông nghiệp và Môi trường", "ministry of justice": "Bộ Tư pháp",
    "ministry of science and technology": "Bộ Khoa học và Công nghệ", "politburo": "Bộ Chính trị",
    "department of finance": "Sở Tài chính", "department of construction": "Sở Xây dựng",
    "dangerous goods": "hàng hóa nguy hiểm", "dangerous": "nguy hiểm", "goods": "hàng hóa",
    "transporting": "vận chuyển", "acceptance": "nghiệm thu", "construction": "xây dựng", "works": "công trình",
    "quality": "chất lượng", "maintenance": "bảo trì", "control": "kiểm soát", "article": "điều",
    "submission": "tờ trình", "proposal": "đề nghị", "request": "đề nghị",
}
# The administrative glossary, then the general vocabulary of plans (no key of one repeats the
# other); the hand-kept terms win over both.
ENGLISH_TERMS: dict[str, str] = {**_glossary_terms(_GENERAL_GLOSSARY), **_glossary_terms(), **_HAND_TERMS}


def _terms_pattern(terms: dict[str, str]) -> re.Pattern[str]:
    """Each term, longest first, with its plural: -s, -es, and -ies for a final -y ("facilities")."""
    keys = sorted(terms, key=len, reverse=True)
    alternatives = [re.escape(k) + (r"|" + re.escape(k[:-1]) + "(?=ies)" if k.endswith("y") else "") for k in keys]
    return re.compile(r"\b(" + "|".join(alternatives) + r")(?:ies|e?s)?\b", re.IGNORECASE)


def _term_key(found: str) -> str:
    """The glossary key of a term as matched: "facilit" (of "facilities") is "facility"."""
    key = found.lower()
    return key if key in ENGLISH_TERMS or key in _HAND_TERMS else key + "y"


_ENGLISH = _terms_pattern(ENGLISH_TERMS)
_ENGLISH_HAND = _terms_pattern(_HAND_TERMS)


def translate_english_terms(text: str) -> str:
    """Append Vietnamese equivalents after English domain terms, plurals too ("expressways";
    the English words stay). The whole glossary for a question in English; in a Vietnamese one
    (typed without marks, "ty le lap day" is no English "day") only the hand-kept terms, which
    staff do mix into Vietnamese ("smartphone", "wifi")."""
    english = looks_english(text)
    terms, pattern = (ENGLISH_TERMS, _ENGLISH) if english else (_HAND_TERMS, _ENGLISH_HAND)
    translate = lambda piece: pattern.sub(lambda m: f"{m.group(0)} ({terms[_term_key(m.group(1))]})", piece)
    if not english:
        return translate(text)
    # Vietnamese quoted in an English question ("departments (so, ban, nganh)") is the plan's own
    # wording: its "ban" is no English "ban" (cấm).
    out, last = [], 0
    for quoted in _QUOTED_VIETNAMESE.finditer(text):
        if _is_vietnamese_phrase(quoted.group(1)):
            out += [translate(text[last:quoted.start()]), quoted.group(0)]
            last = quoted.end()
    return "".join([*out, translate(text[last:])])


_QUOTED_VIETNAMESE = re.compile(r"\(([^()]{3,80})\)|[\"“]([^\"”]{3,80})[\"”]")


def _is_vietnamese_phrase(phrase: str | None) -> bool:
    """Two words or more, each a Vietnamese syllable, one at least not an English word of the
    glossary ("so, ban, nganh"; "tổng mức đầu tư"; not "peak", "marked b/c")."""
    words = re.findall(r"[^\W\d_]+", phrase or "")
    return len(words) >= 2 and all(is_vietnamese_syllable(w) for w in words) \
        and any(not w.isascii() or (w.lower() not in ENGLISH_TERMS and w.lower() not in _SHORT_ENGLISH) for w in words)


# English words shaped like a Vietnamese syllable that are no glossary term.
_SHORT_ENGLISH = frozenset("""a an the to in on at of by for and or but so as is be do go no not yes all any can may
this that then than them they he she we you it its his her our my me us one two ten new old big top main per via
same each both if up out off own who how why""".split())


def looks_english(text: str) -> bool:
    """A question in English: English function words, and few words with Vietnamese letters
    (those are names and numbers quoted from the plan: "Decision 1627/QĐ-UBND", "Biểu 01")."""
    typed = re.findall(r"\w+", text)
    words = [w.lower() for w in typed]
    vietnamese = sum(bool(re.search(r"[ăâđêôơưàáạảãèéẹẻẽìíịỉĩòóọỏõùúụủũỳýỵỷỹ]", w)) for w in words)
    english = {"what", "who", "which", "when", "how", "the", "is", "are", "does", "do", "of", "by",
               "to", "in", "for", "must", "whom", "plan", "report", "target", "deadline", "under", "according"}
    function = sum(w in english for w in words)
    # English words no syllable could be ("conclusion", "expressways"; not an acronym, "UBND").
    foreign = sum(w.isascii() and w.isalpha() and not w.isupper() and not is_vietnamese_syllable(w) for w in typed)
    if not vietnamese:
        # Typed without marks, "do", "to", "the", "in" are Vietnamese too ("do UBND tỉnh ban
        # hành", "tổ chức thế nào"): a function word no syllable could be must be there.
        return function >= 2 and foreign >= 2 and any(w in english and not is_vietnamese_syllable(w) for w in words)
    if function >= 2 and 2 * vietnamese <= function:
        return True
    # An English sentence about places with marked names ("In Lâm Đồng's conclusion notice on
    # the Tân Phú–Bảo Lộc … expressways, which unit …").
    return function >= 3 and foreign >= 4 and foreign + function >= vietnamese


# Everyday words staff use for the plans' official terms. Questions only: the plans themselves
# use the official term, so the question is rewritten (for coverage) or extended (for retrieval).
SYNONYMS: dict[str, str] = {
    "nhà mạng": "doanh nghiệp viễn thông",
    "smartphone": "điện thoại thông minh",
    "điện thoại thông minh": "điện thoại thông minh",
    "người lớn": "dân số trưởng thành",
    "người trưởng thành": "dân số trưởng thành",
    "nộp": "gửi",
    "hạn chót": "thời hạn",
    "cáp quang hóa": "cáp quang",
    "internet cáp quang": "cáp quang",
    "wifi miễn phí": "wifi internet miễn phí",
    "kinh phí từ đâu": "kinh phí nguồn",
}
_SYNONYM = re.compile(r"\b(" + "|".join(sorted((re.escape(k) for k in SYNONYMS), key=len, reverse=True)) + r")\b",
                      re.IGNORECASE)


def apply_synonyms(text: str, keep_original: bool = True) -> str:
    """Rewrite everyday terms to the plans' wording; `keep_original` keeps both (retrieval)."""
    def replace(match: re.Match[str]) -> str:
        official = SYNONYMS[match.group(0).lower()]
        return f"{match.group(0)} ({official})" if keep_original and official != match.group(0).lower() else official

    return _SYNONYM.sub(replace, nfc(text))
