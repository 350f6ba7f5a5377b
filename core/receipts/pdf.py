"""A receipt as a PDF: the printable page's content (templates/receipts/receipt.html), drawn by fpdf2.

fpdf2 is pure Python (no system libraries, unlike WeasyPrint's pango), so `make run` installs it
with the rest. It writes with the PDF core fonts, whose alphabet is Latin-1: text outside it
(a name in another script) is written without its accents where that makes it Latin-1, else
as "?", never an error.
"""

from __future__ import annotations

import unicodedata

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from core.receipts.selectors import ReceiptData
from kernel.money import format_cents

FONT = "Helvetica"
PAGE_WIDTH = 186  # mm between the margins of a Letter page (216 mm, 15 mm margins)
AMOUNT_WIDTH = 36
QUANTITY_WIDTH = 20
LINE = 6.5


def _latin1(text: str) -> str:
    """Text the core fonts can write: each character as is when it is Latin-1, else without its
    accents when that makes it Latin-1 ("ễ" -> "e"), else "?"."""
    return "".join(_latin1_char(char) for char in text)


def _latin1_char(char: str) -> str:
    if ord(char) < 256:
        return char
    base = "".join(part for part in unicodedata.normalize("NFKD", char) if not unicodedata.combining(part))
    return base if base and all(ord(part) < 256 for part in base) else "?"


def _time(value) -> str:
    hour = value.hour % 12 or 12
    return f"{hour}:{value.minute:02d} {'PM' if value.hour >= 12 else 'AM'}"


def _date(value) -> str:
    return f"{value:%B} {value.day}, {value.year}"


class _ReceiptPdf(FPDF):
    def text_line(self, text: str, *, size: float = 10, style: str = "", height: float = LINE) -> None:
        self.set_font(FONT, style, size)
        self.multi_cell(PAGE_WIDTH, height, _latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def row(self, label: str, quantity: str, amount: str, *, bold: bool = False, rule: bool = False) -> None:
        self.set_font(FONT, "B" if bold else "", 10)
        border = "T" if rule else 0
        self.cell(PAGE_WIDTH - QUANTITY_WIDTH - AMOUNT_WIDTH, LINE, _latin1(label), border=border)
        self.cell(QUANTITY_WIDTH, LINE, quantity, border=border, align="R")
        self.cell(AMOUNT_WIDTH, LINE, amount, border=border, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def receipt_pdf(receipt: ReceiptData) -> bytes:
    """The receipt as the bytes of a one-page (or longer) PDF."""
    pdf = _ReceiptPdf(format="Letter")
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(auto=True, margin=15)
    title = f"{'Refund receipt' if receipt.is_refund else 'Receipt'} {receipt.number}"
    pdf.set_title(_latin1(f"{title} - {receipt.station_name}"))
    pdf.set_author(_latin1(receipt.station_name))
    pdf.add_page()

    pdf.text_line(receipt.station_name, size=16, style="B", height=8)
    contact = receipt.station_address + (f" - {receipt.station_phone}" if receipt.station_phone else "")
    pdf.text_line(contact, size=9)
    pdf.ln(4)
    pdf.text_line(title, size=13, style="B", height=7)
    pdf.text_line(f"Date: {_date(receipt.issued_on)}")
    pdf.text_line(f"Customer: {receipt.customer_name} ({receipt.customer_email})")
    pdf.text_line(
        f"Booking: {receipt.booking_reference} - hibachi party on {receipt.event_date:%A}, "
        f"{_date(receipt.event_date)} at {_time(receipt.event_slot)}"
    )
    pdf.ln(2)
    paid = "Refunded" if receipt.is_refund else f"{receipt.kind} paid"
    pdf.text_line(f"{paid}: {format_cents(receipt.amount_cents)} ({receipt.method})", size=12, style="B")
    if receipt.tip_cents:
        pdf.text_line(f"Tip for the chef: {format_cents(receipt.tip_cents)}")
    pdf.ln(3)

    pdf.text_line("What the booking is for", size=9)
    pdf.row("Item", "Qty", "Amount", bold=True)
    for line in receipt.lines:
        pdf.row(line.label, str(line.quantity), format_cents(line.total_cents), rule=True)
    pdf.row("Travel fee", "", format_cents(receipt.travel_fee_cents), rule=True)
    pdf.row("Tax", "", format_cents(receipt.tax_cents), rule=True)
    pdf.row("Booking total", "", format_cents(receipt.total_cents), bold=True, rule=True)
    pdf.row("Paid so far", "", format_cents(receipt.paid_cents), rule=True)
    for refund in receipt.refunds:
        label = f"Refund {refund.number or ''} on {refund.date:%b} {refund.date.day}, {refund.date.year}"
        pdf.row(" ".join(label.split()), "", f"-{format_cents(refund.amount_cents)}", rule=True)
    pdf.row("Balance remaining", "", format_cents(receipt.balance_cents), bold=True, rule=True)
    pdf.ln(4)
    pdf.text_line("Gratuity is not part of the total; it goes to your chef.", size=9)
    return bytes(pdf.output())


def pdf_filename(receipt: ReceiptData) -> str:
    return f"receipt-{receipt.number}.pdf"
