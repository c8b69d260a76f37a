"""Who: names of bodies ("UBND thị xã", "Phòng Văn hóa và Thông tin thành phố"), actors from
headings ("3. Công chức Tài chính – Kế toán xã") and sentence subjects ("các doanh nghiệp …").

Names are recognised by their shape in the genre: a head noun (UBND, Phòng, Sở, bộ phận…),
then capitalised words of the proper name, then an administrative level (xã, phường, thị xã…)
and its place name. All matching is on the folded twin; text is cut from the source.
"""
from __future__ import annotations

import re

from assistant.extract.common import strip_numbering
from assistant.text import fold

_TOKEN = re.compile(r"[\w&]+|[-–]")
_LEADERS = r"(?:lanh dao|(?:pho\s+)?chu tich|thuong truc)"
_COUNCIL_NAMES = r"(?:ubnd|uy ban nhan dan|hdnd|hoi dong nhan dan|dang uy|cong an)"
_CAPITALISED_HEADS = r"(?:thanh tra|lien doan|lien hiep|hoi|mat tran|ngan hang|kho bac|bao hiem|doan thanh nien)"
_HEAD = re.compile(
    rf"(?:{_LEADERS}\s+)?(?:{_COUNCIL_NAMES}|bo phan|phong|so|bo|trung tam|cong chuc|van phong|dai|chi cuc|cuc"
    rf"|{_CAPITALISED_HEADS}|ban)\b"
)
# Mass organisations and state bodies outside the Sở/Phòng tree: a body only when written with a
# capital ("Hội Nông dân", "Thanh tra tỉnh"), never the "hội" of "xã hội" or "thanh tra việc …".
_CAPITALISED_HEAD = re.compile(rf"{_CAPITALISED_HEADS}\b")
# Bodies that can be named by their level alone ("UBND huyện", "Công an thị xã", "Chủ tịch UBND").
_COUNCILS = re.compile(rf"(?:{_LEADERS}\s+)?{_COUNCIL_NAMES}$")
# "xã" but not "Xã hội" (a name, as in "Văn hóa – Xã hội").
_LEVEL = re.compile(r"(?:thi xa|thi tran|thanh pho|huyen|phuong|xa(?! hoi)|tinh|quan|tp)\b")
_ABBREVIATED = re.compile(r"\s*\(([A-ZĐ&]{2,})\)")
_GROUP_LEVEL = re.compile(r"(?:\s*,\s*|\s+va\s+)(?P<level>dac khu|thi xa|thi tran|thanh pho|huyen|phuong|xa(?! hoi)|quan)\b")
# Lower-case words that end a name rather than continue it ("Phòng Văn hóa – Xã hội theo dõi").
_NAME_STOPS = {"ve", "de", "theo", "ket", "cac", "truoc", "dinh", "hang", "va", "tai", "cua", "voi", "trong",
               "nhu", "duoc", "co", "la", "xem", "chi", "tong", "to", "thuc", "trien", "bo", "lap", "tham", "qua"}


def _next_token(src: str, pos: int, end: int) -> tuple[int, int] | None:
    """The next word or dash, if only spaces separate it from pos (punctuation ends a name)."""
    i = pos
    while i < end and src[i] in " \t":
        i += 1
    match = _TOKEN.match(src, i, end)
    return (i, match.end()) if match else None


def match_body(src: str, low: str, pos: int, end: int | None = None) -> tuple[int, int] | None:
    """Span of one body's name starting exactly at pos, or None."""
    end = len(src) if end is None else end
    head = _HEAD.match(low, pos, end)
    if not head or (_CAPITALISED_HEAD.match(low, pos, end) and not src[pos].isupper()):
        return None
    cur, named = head.end(), False
    abbreviated = _ABBREVIATED.match(src, cur, end)  # "Ủy ban nhân dân (UBND) huyện"
    if abbreviated:
        cur = abbreviated.end()
    lower_ok = grouped = False
    while True:
        token = _next_token(src, cur, end)
        if token is None:
            if not (past_comma := _comma_in_name(src, low, cur, end, named)):
                break
            cur, lower_ok = past_comma, True
            continue
        start, stop = token
        word = low[start:stop]
        level = _LEVEL.match(low, start, end)
        if level and src[start].isupper() and " " not in level.group(0):
            level = None  # "Phòng Quản lý …" is a name; a capitalised level is two words ("UBND Thi xa")
        if word == "cac" and not grouped and (after := _next_token(src, stop, end)) and _LEVEL.match(low, after[0], end):
            cur, grouped = stop, True  # "UBND các xã, phường, đặc khu": the bodies of a level, as a group
            continue
        if level:
            cur, named = level.end(), True
            if grouped:
                # the other levels of the group: "các huyện, thị xã, thành phố", "các xã và phường"
                while (more := _GROUP_LEVEL.match(low, cur, end)) and not src[more.start("level")].isupper():
                    cur = more.end()
            # the place after a level: "tỉnh Điện Biên", "thành phố Cần Thơ", "đặc khu Lý Sơn"
            while (place := _next_token(src, cur, end)) and src[place[0]].isupper() and not _HEAD.match(low, place[0]):
                cur = place[1]
            break
        if src[start].isupper():
            cur, named, lower_ok = stop, True, True
        elif word in "-–&":
            after = _next_token(src, stop, end)
            if not (after and src[after[0]].isupper()):
                break
            cur, named, lower_ok = after[1], True, True  # after a dash comes a name, never a level
        elif word == "va":
            after = _next_token(src, stop, end)
            if not (after and src[after[0]].isupper()) or _HEAD.match(low, after[0]):
                break  # "… và UBND thành phố" is a second body, not part of this name
            cur, lower_ok = stop, False
        elif lower_ok and word not in _NAME_STOPS and named and not ACTING_VERB.match(low, cur):
            # ("Sở Tài chính Quảng Ngãi phải …": the verb after a place is no half of its name)
            cur, lower_ok = stop, False  # second syllable of a capitalised word: "Văn hóa"
        else:
            break
    if not named and not _COUNCILS.match(low[pos:head.end()]):
        return None
    return pos, cur


# ", Thể thao và Du lịch" of "Sở Văn hóa, Thể thao và Du lịch": a comma inside a name whose last
# part follows "và" ("Khoa học, Công nghệ và Đổi mới sáng tạo"); capitalised words only, no head
# word of another body ("Sở Y tế, Sở Tài chính và …" is a list).
_COMMA_PART = re.compile(r",\s+((?:[^\W\d_][\w]*\s+){0,3}?[^\W\d_][\w]*)(?=\s+và\s+[^\W\d_])")


def _comma_in_name(src: str, low: str, cur: int, end: int, named: bool) -> int:
    """Where a name goes on past a comma at `cur` (the end of the part before " và"), or 0."""
    part = _COMMA_PART.match(src, cur, end) if named else None
    if not part or not src[part.start(1)].isupper() or _HEAD.match(low, part.start(1)) or _LEVEL.match(low, part.start(1)):
        return 0
    return part.end(1)


def match_bodies(src: str, low: str, pos: int, end: int | None = None) -> tuple[int, int] | None:
    """One body or several joined by "và": "Sở Khoa học và Công nghệ và UBND thành phố"."""
    end = len(src) if end is None else end
    first = match_body(src, low, pos, end)
    if not first:
        return None
    stop = first[1]
    while (joint := re.compile(r"\s+va\s+").match(low, stop, end)) and (more := match_body(src, low, joint.end(), end)):
        stop = more[1]
    return first[0], stop


def prefer_abbreviation(name: str) -> str:
    """"Ủy ban nhân dân (UBND) huyện" → "UBND huyện": the form the rest of the plan uses."""

    def replace(match: re.Match[str]) -> str:
        words, abbreviation = match.group(1).split(), match.group(2)
        initials = "".join(fold(word)[0] for word in words[-len(abbreviation):])
        if len(words) >= len(abbreviation) and initials == fold(abbreviation):
            kept = words[:-len(abbreviation)]
            return " ".join([*kept, abbreviation])
        return match.group(0)

    return re.sub(r"^((?:\w+\s+){1,8}?\w+)\s*\(([A-ZĐ&]{2,})\)", replace, name)


def body_text(src: str, span: tuple[int, int] | None) -> str:
    return prefer_abbreviation(src[span[0]:span[1]].strip()) if span else ""


# -- actors ----------------------------------------------------------------------------------------
_ACTOR_HEADING = re.compile(
    r"(?:de nghi\s+)?(?:cac\s+)?(?:phong|so|ban|bo phan|cong ch\w*|can bo|cong an|trung tam|dai|cong thong tin"
    r"|doanh nghiep|co quan|don vi|ubnd|uy ban|mttq\w*|mat tran|van phong|hoi|doan|chi cuc|to chuc|nganh)\b"
)
_REQUEST = re.compile(r"de nghi\s+")
# Headings of the assigning section that name a topic, not a body ("6. Chế độ báo cáo").
_TOPIC = re.compile(r"(?:che do|kinh phi|nhiem vu|trach nhiem|thoi gian|tien do|phan cong|giai phap|noi dung"
                    r"|muc tieu|bao cao|cong tac|tuyen truyen|kiem tra|so ket|tong ket)\b")


def heading_actor(heading: str) -> str:
    """The actor a Tổ chức thực hiện heading names, or "" when the heading names a topic.

    "1. Phòng Văn hóa và Thông tin thị xã" → the Phòng; "2. Công chức …: Tuyên truyền …" → the part
    before ":"; "4. Đề nghị MTTQVN và …" → "MTTQVN và …"; "6. Chế độ báo cáo" → "".
    """
    text = strip_numbering(heading)
    text = text.split(":", 1)[0].strip(" .;:*")
    low = fold(text)
    words = text.split()
    # Bodies outside the usual list ("Trạm Y tế xã", "Bưu điện văn hóa xã") still look like names:
    # short, with a capitalised word after the first or ending on an administrative level.
    named = (0 < len(words) <= 10 and not _TOPIC.match(low)
             and (any(word[0].isupper() for word in words[1:]) or re.search(rf"\b{_LEVEL.pattern}$", low)))
    if not (_ACTOR_HEADING.match(low) or named):
        return ""
    request = _REQUEST.match(low)
    return text[request.end():] if request else text


# -- sentence subjects -----------------------------------------------------------------------------
_GROUP = re.compile(r"\bcac\s+(?:doanh nghiep|don vi|co quan|phong|ban|nganh|bo phan|can bo|cong chuc|so|to chuc"
                    r"|dia phuong|khu vuc|xa)\b")
_SUBJECT_END = re.compile(
    r"\b(?:xay dung|trien khai|to chuc|gui|bao c[a-z]o|phan anh|phan hoi|dinh ky|quan tam|thuc hien|chu dong"
    r"|can cu|co trach nhiem|chiu trach nhiem|phoi hop|chu tri|tham muu|dam bao|bao dam|tuan thu|nghien cuu)\b"
    r"|[:;.()]"
)
_INTRO = re.compile(r"(?:tren co so|can cu|trong qua trinh|neu|doi voi)\b")
_ADDRESSED = re.compile(r"(?:yeu cau|de nghi)\s+")
# A group after these words is an object ("hỗ trợ các cơ quan", "của các doanh nghiệp").
_OBJECT_MARKERS = {"cua", "cho", "voi", "toi", "den", "tro", "giua", "tai", "trong", "va", "doc", "dan", "nhu",
                   "vao", "tu", "ve", "tra", "giup"}


def _group_at(src: str, low: str, pos: int, end: int) -> tuple[int, int] | None:
    """"các doanh nghiệp viễn thông trên địa bàn thị xã" up to its verb (or ":")."""
    stop = _SUBJECT_END.search(low, pos + 4, min(end, pos + 160))
    if not stop:
        return None
    cut = stop.start()
    while cut > pos and src[cut - 1] in " ,":
        cut -= 1
    return (pos, cut) if cut > pos + 4 else None


# A named body followed by one of these verbs is the one who acts ("Sở Y tế báo cáo …").
ACTING_VERB = re.compile(r"\s+(?:co trach nhiem|phai|duoc giao|can|se|co (?:nhung )?nhiem vu|bao cao|gui|phoi hop|chu tri"
                         r"|tham muu|ho tro|lam viec|co vai tro|dam nhiem|nhan|nop"
                         r"|thuc hien|lam|chuan bi|hoan thanh|to chuc|ra soat|trien khai)\b")


def named_subject(src: str, low: str, start: int, end: int) -> tuple[int, int] | None:
    """A body named at the start of a sentence part and followed by what it does:
    "Công chức Văn hóa - Xã hội chủ trì, …" (the part's acting unit, whatever the heading says)."""
    while start < end and src[start] in " \t":
        start += 1
    span = match_bodies(src, low, start, end)
    if span and span[0] == start and ACTING_VERB.match(low, span[1], end):
        return span
    return None


def subject(src: str, low: str, start: int, end: int) -> tuple[int, int] | None:
    """The explicit subject of a sentence part, when the genre puts one there.

    "Các doanh nghiệp …: định kỳ …", "Yêu cầu các cán bộ … căn cứ …", "Trên cơ sở …, các doanh
    nghiệp viễn thông … xây dựng …", "Trong quá trình …, vướng mắc các cơ quan … phản ánh về …".
    """
    pos = start
    addressed = _ADDRESSED.match(low, pos, end)
    if addressed:
        pos = addressed.end()
    group = _GROUP.match(low, pos, end)
    if group:
        return _group_at(src, low, pos, end)
    if not _INTRO.match(low, pos, end):
        return None
    for group in _GROUP.finditer(low, pos, end):
        before = low[pos:group.start()].split()
        if before and before[-1] in _OBJECT_MARKERS:
            continue
        return _group_at(src, low, group.start(), end)
    return None


def bodies_named(src: str) -> list[str]:
    """Every body a text names ("Sở Tài chính", "Cục Kiểm soát thủ tục hành chính"), in order."""
    low = fold(src)
    found, pos = [], 0
    for head in _HEAD.finditer(low):
        if head.start() < pos or (head.start() and low[head.start() - 1] not in " \t\n(,;:"):
            continue
        span = match_body(src, low, head.start())
        if span:
            found.append(src[span[0]:span[1]].strip())
            pos = span[1]
    return found
