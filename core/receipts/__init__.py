"""Receipts: one per succeeded payment and refund, numbered, emailed, printable.

    selectors.py  receipt_data: everything a receipt shows (the template and the email read it)
    pdf.py        the same receipt as a PDF (fpdf2, pure Python)
    views.py      the staff panel's printable receipt page and its PDF (pdf_response, shared
                  with the customer website's download on the manage link)

Receipts are issued by core/services/receipts.py (receipt_issue), called by the payment
services when a payment or refund succeeds. The customer's printable page on the manage link
is the customer website's: it renders templates/receipts/receipt.html with receipt_data.
"""
