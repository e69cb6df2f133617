"""Render documents as an official would see them: LibreOffice to PDF, poppler to PNG.

Used by the rendering tests and to make the pictures in ``docs/``. Each conversion runs
``soffice`` with its own user profile directory so that parallel runs do not clash.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path


class RenderError(RuntimeError):
    """LibreOffice or poppler is missing or failed."""


def soffice() -> str | None:
    """Path of the LibreOffice binary, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(path: Path, outdir: Path, *, timeout: float = 180) -> Path:
    """Convert ``path`` (.docx or .xlsx) to PDF in ``outdir``; returns the PDF's path."""
    binary = soffice()
    if binary is None:
        raise RenderError("LibreOffice (soffice) is not installed: bash scripts/setup.sh --test")
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="tthc-lo-") as profile:
        cmd = [
            binary,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
            str(path),
        ]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    pdf = outdir / (Path(path).stem + ".pdf")
    if done.returncode != 0 or not pdf.exists():
        raise RenderError(f"soffice failed on {path}: {done.stdout} {done.stderr}")
    return pdf


def to_pdfs(paths: list[Path], outdir: Path, *, timeout: float = 600) -> list[Path]:
    """Convert several documents in one LibreOffice run (one start-up instead of one per
    file); returns the PDFs' paths in the order of ``paths``. Their stems must differ
    (``a.docx`` and ``a.xlsx`` would both make ``a.pdf``)."""
    if len({Path(p).stem for p in paths}) != len(paths):
        raise ValueError("documents converted together need distinct names")
    binary = soffice()
    if binary is None:
        raise RenderError("LibreOffice (soffice) is not installed: bash scripts/setup.sh --test")
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="tthc-lo-") as profile:
        cmd = [binary, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
               "pdf", "--outdir", str(outdir), *map(str, paths)]  # fmt: skip
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    pdfs = [outdir / (Path(p).stem + ".pdf") for p in paths]
    missing = [p.name for p in pdfs if not p.exists()]
    if done.returncode != 0 or missing:
        raise RenderError(f"soffice failed on {missing}: {done.stdout} {done.stderr}")
    return pdfs


def pdf_pages(pdf: Path) -> list[tuple[float, float]]:
    """Each page's size in millimetres (width, height), from ``pdfinfo``."""
    done = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "9999", str(pdf)],
        capture_output=True,
        text=True,
        check=True,
    )
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", done.stdout)
    return [(float(w) * 25.4 / 72, float(h) * 25.4 / 72) for w, h in sizes]


def pdf_text(pdf: Path, *, layout: bool = True) -> str:
    """The PDF's text (``pdftotext -layout``); pages are separated by form feeds."""
    args = ["pdftotext", *(["-layout"] if layout else []), str(pdf), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def first_page_png(pdf: Path, png: Path, *, dpi: int = 60) -> Path:
    """The first page of ``pdf`` as ``png`` (``pdftoppm -png -r DPI -f 1 -l 1``)."""
    png.parent.mkdir(parents=True, exist_ok=True)
    stem = png.with_suffix("")
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile", str(pdf),
         str(stem)],
        check=True,
    )  # fmt: skip
    return png
