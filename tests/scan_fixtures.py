"""Generated scans, office files and odd PDFs for the OCR/office tests and scripts/bench_ocr.py.

Everything is made at run time from a short plan text: pages are drawn with Pillow in a font
with Vietnamese glyphs (Liberation Serif or DejaVu Serif), optionally with noise and a slight
rotation, and saved as PNG or as an image-only PDF; .doc/.odt are made by LibreOffice from a
python-docx .docx; the broken-ToUnicode PDF is a LibreOffice PDF whose ToUnicode maps are
shifted the way a known Ghostscript bug shifts them.
"""
from __future__ import annotations

import io
import random
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
)
A4_POINTS = (595, 842)
MARGIN_POINTS = 72


@dataclass(frozen=True)
class PlanSpec:
    """One generated plan: its locality and the reporting deadline a question asks about."""

    locality: str  # "Tân Hòa" (a xã)
    number: int
    deadline: str  # "15 tháng 11"
    signer: str


def font_path() -> Path | None:
    for candidate in FONT_CANDIDATES:
        if Path(candidate).is_file():
            return Path(candidate)
    try:
        found = subprocess.run(["fc-match", "-f", "%{file}", "serif:lang=vi"], capture_output=True, text=True,
                               timeout=30).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return None
    return Path(found) if found and Path(found).is_file() else None


def plan_pages(spec: PlanSpec) -> list[list[str]]:
    """The plan as pages of paragraphs (each page is drawn on its own sheet)."""
    name, upper = spec.locality, spec.locality.upper()
    first = [
        "ỦY BAN NHÂN DÂN",
        f"XÃ {upper}",
        f"Số: {spec.number}/KH-UBND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        f"{name}, ngày 20 tháng 3 năm 2025",
        "KẾ HOẠCH",
        f"Chuyển đổi số trên địa bàn xã {name} năm 2025",
        "I. MỤC ĐÍCH, YÊU CẦU",
        "1. Mục đích",
        "- Đẩy mạnh ứng dụng công nghệ thông tin trong hoạt động của cơ quan nhà nước; nâng cao chất "
        "lượng phục vụ người dân và doanh nghiệp trên địa bàn xã.",
        "- Phấn đấu 100% hồ sơ thủ tục hành chính được tiếp nhận, giải quyết trên môi trường điện tử; "
        "tỷ lệ hộ gia đình có đường truyền cáp quang đạt 85%.",
        "2. Yêu cầu",
        "- Bảo đảm an toàn, an ninh mạng; phát huy vai trò của Tổ công nghệ số cộng đồng ở các thôn.",
        "II. NHIỆM VỤ VÀ GIẢI PHÁP",
        "1. Hoàn thiện hạ tầng số: phủ sóng di động băng rộng đến tất cả các thôn; lắp đặt hệ thống "
        "truyền thanh thông minh tại trụ sở Ủy ban nhân dân xã.",
    ]
    second = [
        "2. Phát triển chính quyền số: số hóa hồ sơ, kết quả giải quyết thủ tục hành chính; sử dụng "
        "văn bản điện tử có ký số trong trao đổi giữa các cơ quan.",
        "III. TỔ CHỨC THỰC HIỆN",
        "1. Công chức Văn hóa - Xã hội chủ trì, phối hợp với các ngành liên quan triển khai thực hiện "
        f"Kế hoạch; định kỳ báo cáo Ủy ban nhân dân xã {name} trước ngày {spec.deadline} hằng năm.",
        "2. Các thôn phối hợp tuyên truyền, vận động người dân cài đặt và sử dụng ứng dụng định danh "
        "điện tử, thanh toán không dùng tiền mặt.",
        "Nơi nhận:",
        "- Thường trực Đảng ủy xã;",
        "- Lưu: VT.",
        "TM. ỦY BAN NHÂN DÂN",
        "CHỦ TỊCH",
        spec.signer,
    ]
    return [first, second]


def plan_text(pages: list[list[str]]) -> str:
    """The source text the OCR is compared with (paragraphs, one per line)."""
    return "\n\n".join("\n".join(page) for page in pages)


def draw_page(paragraphs: list[str], dpi: int = 200, noise: float = 0.0, rotate: float = 0.0,
              seed: int = 1, font_size: float = 13.0) -> Image.Image:
    """One A4 sheet at `dpi`: paragraphs wrapped to the margins; `noise` is the share of pixels
    flipped to grey specks, `rotate` degrees of skew (both as a scanner leaves them)."""
    path = font_path()
    if path is None:
        raise RuntimeError("no font with Vietnamese glyphs (Liberation Serif or DejaVu Serif) on this machine")
    scale = dpi / 72
    width, height = int(A4_POINTS[0] * scale), int(A4_POINTS[1] * scale)
    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(str(path), int(round(font_size * scale)))
    left, right = int(MARGIN_POINTS * scale), width - int(MARGIN_POINTS * scale)
    line_height = int(font_size * 1.5 * scale)
    y = int(MARGIN_POINTS * scale)
    for paragraph in paragraphs:
        for line in _wrap(paragraph, font, right - left):
            draw.text((left, y), line, font=font, fill=0)
            y += line_height
        y += line_height // 3
    if rotate:
        page = page.rotate(rotate, resample=Image.BICUBIC, expand=False, fillcolor=255)
    if noise:
        page = _speckle(page, noise, seed)
    return page


def _wrap(paragraph: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines, current = [], ""
    for word in paragraph.split():
        candidate = f"{current} {word}".strip()
        if current and font.getlength(candidate) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    return lines + [current] if current else lines


def _speckle(page: Image.Image, share: float, seed: int) -> Image.Image:
    """Grey specks and a little blur: the dust and softness of a cheap office scanner."""
    rng = random.Random(seed)
    pixels = page.load()
    width, height = page.size
    for _ in range(int(width * height * share)):
        x, y = rng.randrange(width), rng.randrange(height)
        pixels[x, y] = rng.choice((0, 80, 160))
    return page.filter(ImageFilter.GaussianBlur(0.6))


def image_pdf(pages: list[Image.Image], path: Path, dpi: int = 200) -> Path:
    """A scan: each sheet an image, no text layer (as a scanner's "save as PDF" makes it)."""
    first, *rest = [page.convert("L") for page in pages]
    first.save(path, "PDF", resolution=dpi, save_all=True, append_images=rest)
    return path


def mixed_pdf(text_pdf: Path, scanned_pdf: Path, path: Path) -> Path:
    """Page 1 from a PDF with a text layer, page 2 a scanned image."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.add_page(PdfReader(text_pdf).pages[0])
    writer.add_page(PdfReader(scanned_pdf).pages[0])
    writer.write(path)
    return path


def many_page_scan(path: Path, pages: int) -> Path:
    """A long scan made cheaply: small sheets with a few strokes, one image each."""
    sheet = Image.new("1", (300, 420), 1)
    ImageDraw.Draw(sheet).rectangle((40, 40, 260, 60), fill=0)
    sheet.save(path, "PDF", resolution=50, save_all=True, append_images=[sheet.copy() for _ in range(pages - 1)])
    return path


def blank_picture(path: Path) -> Path:
    """An image without writing: a few shapes on paper."""
    picture = Image.new("RGB", (1200, 900), (250, 250, 245))
    draw = ImageDraw.Draw(picture)
    draw.ellipse((300, 200, 700, 600), outline=(40, 90, 160), width=12)
    draw.rectangle((800, 300, 1000, 700), fill=(200, 60, 60))
    picture.save(path)
    return path


def docx_plan(pages: list[list[str]], path: Path, table: list[list[str]] | None = None) -> Path:
    import docx

    document = docx.Document()
    for page in pages:
        for paragraph in page:
            document.add_paragraph(paragraph)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, cell in enumerate(row):
                grid.cell(r, c).text = cell
    document.save(path)
    return path


def soffice_convert(source: Path, target_format: str, out_dir: Path, timeout: int = 180) -> Path:
    """LibreOffice conversion for fixtures (docx → doc/odt/pdf), in a throw-away profile."""
    soffice = shutil.which("soffice")
    if soffice is None:
        raise RuntimeError("soffice (libreoffice-writer-nogui) is not installed")
    profile = Path(tempfile.mkdtemp(prefix="fixture-lo-"))
    try:
        subprocess.run([soffice, "--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}",
                        "--convert-to", target_format, "--outdir", str(out_dir), str(source)],
                       capture_output=True, timeout=timeout, check=True)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    made = out_dir / f"{source.stem}.{target_format.split(':')[0]}"
    if not made.is_file():
        raise RuntimeError(f"LibreOffice did not make {made.name}")
    return made


_BFCHAR = re.compile(rb"(<[0-9A-Fa-f]+>\s*)<([0-9A-Fa-f]+)>")


def break_tounicode(source: Path, target: Path, shift: int = 0x1D) -> Path:
    """Copy of a PDF whose ToUnicode maps point `shift` code points too low (letters and digits
    come out as "7ӌ1+" for "TỈNH", as in PDFs from a buggy Ghostscript); glyphs are untouched."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject

    writer = PdfWriter(clone_from=PdfReader(source))
    seen: set[int] = set()
    for page in writer.pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for font in fonts.values():
            font = font.get_object()
            stream = font.get("/ToUnicode")
            if stream is None or stream.indirect_reference.idnum in seen:
                continue
            seen.add(stream.indirect_reference.idnum)
            cmap = stream.get_object()
            data = _BFCHAR.sub(lambda m: m.group(1) + b"<" + _shifted(m.group(2), shift) + b">", cmap.get_data())
            cmap.set_data(data)
            cmap[NameObject("/Filter")] = cmap.get("/Filter", NameObject("/FlateDecode"))
    writer.write(target)
    return target


def _shifted(hex_code: bytes, shift: int) -> bytes:
    """Shift each UTF-16 unit that is a letter or digit; keep spaces and punctuation."""
    units = [int(hex_code[i:i + 4], 16) for i in range(0, len(hex_code), 4)]
    out = []
    for unit in units:
        char = chr(unit)
        out.append(unit - shift if (char.isalnum() and unit - shift > 0x20) else unit)
    return b"".join(f"{unit:04X}".encode() for unit in out)


def png_bytes(page: Image.Image) -> bytes:
    buffer = io.BytesIO()
    page.save(buffer, "PNG")
    return buffer.getvalue()


def text_pdf(pages: list[list[str]], path: Path) -> Path:
    """A PDF with a text layer (pypdf, a Type0 font with a ToUnicode map): one line per paragraph."""
    from tests.test_loaders import make_pdf

    make_pdf(pages).write(path)
    return path


def form_pdf(pages: list[list[str]], fields: dict[str, tuple[str, tuple[float, float, float, float]]],
             path: Path, appearance: bool = True) -> Path:
    """A text PDF whose blanks are filled only by AcroForm text fields, as signing software does:
    `fields` maps a field name to (value, /Rect). With `appearance`, each widget carries an
    appearance stream drawing the value (what real signed PDFs have); without, only /V."""
    from pypdf.generic import (ArrayObject, DecodedStreamObject, DictionaryObject, FloatObject, NameObject,
                               NumberObject, TextStringObject)

    from tests.test_loaders import make_pdf

    writer = make_pdf(pages)
    page = writer.pages[0]
    font = page["/Resources"]["/Font"]["/F1"]
    widgets = ArrayObject()
    for name, (value, rect) in fields.items():
        widget = DictionaryObject({
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Widget"),
            NameObject("/FT"): NameObject("/Tx"),
            NameObject("/T"): TextStringObject(name),
            NameObject("/V"): TextStringObject(value),
            NameObject("/F"): NumberObject(4),  # printed
            NameObject("/Rect"): ArrayObject([FloatObject(v) for v in rect]),
            NameObject("/DA"): TextStringObject("/F1 12 Tf 0 g"),
        })
        if appearance:
            stream = DecodedStreamObject()
            stream.set_data(f"/Tx BMC BT /F1 12 Tf 2 4 Td <{value.encode('utf-16-be').hex()}> Tj ET EMC".encode())
            stream.update({
                NameObject("/Type"): NameObject("/XObject"),
                NameObject("/Subtype"): NameObject("/Form"),
                NameObject("/BBox"): ArrayObject([FloatObject(0), FloatObject(0), FloatObject(rect[2] - rect[0]),
                                                  FloatObject(rect[3] - rect[1])]),
                NameObject("/Resources"): DictionaryObject(
                    {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}),
            })
            widget[NameObject("/AP")] = DictionaryObject({NameObject("/N"): writer._add_object(stream)})
        reference = writer._add_object(widget)
        widget[NameObject("/P")] = page.indirect_reference
        widgets.append(reference)
    page[NameObject("/Annots")] = widgets
    writer._root_object[NameObject("/AcroForm")] = DictionaryObject({NameObject("/Fields"): ArrayObject(widgets)})
    writer.write(path)
    return path
