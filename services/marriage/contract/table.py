"""The marriage commands (M-1 to M-13): one line each — name, route, body, answer, roles, stream. The
service pairs each with its decider (`application/marriage.py`, DECIDERS); the RPC entrypoints and the
gateway's routes are generated from this table. (The historical import, M-12, is a batch with per-record
answers, not a command of this table.)"""

from __future__ import annotations

from services.marriage.contract import commands as c
from services.marriage.contract import responses as r
from shared.reference.contract import CommandEntry, command_table

PREFIX = "/v1/marriage"
CLERKS = frozenset({"marriage_clerk"})  # admin records no business events (separation of duties)
REGISTRARS = frozenset({"marriage_registrar"})
REGISTRATION = f"{PREFIX}/registrations/<registration_id>"
DIVORCE = f"{PREFIX}/divorces/<divorce_id>"
APPOINTMENT = f"{PREFIX}/appointments/<appointment_id>"

COMMANDS = command_table(
    CommandEntry("book_appointment", "POST", f"{PREFIX}/appointments", c.BookAppointment, CLERKS, "appointment",
                 r.AppointmentAnswer, status=201,
                 summary="Book a slot at an office for a marriage or a divorce (M-13)."),
    CommandEntry("cancel_appointment", "POST", f"{APPOINTMENT}/cancellation", c.CancelAppointment, CLERKS,
                 "appointment", r.AppointmentAnswer, summary="Cancel a booking; the place is free again (M-13)."),
    CommandEntry("record_no_show", "POST", f"{APPOINTMENT}/no-show", c.RecordNoShow, CLERKS, "appointment",
                 r.AppointmentAnswer, summary="Record that nobody came to a booked slot (M-13)."),
    CommandEntry("register_marriage", "POST", f"{PREFIX}/registrations", c.RegisterMarriage, CLERKS | REGISTRARS,
                 "marriage", r.MarriageRegistered, 201, "Register a marriage (M-1 to M-6): two certificates, the "
                 "cross-county flag, dishonesty-list warnings. A registrar records a late registration with any "
                 "past registered_on, judged by the rules of that date.", action="marriage.register"),
    CommandEntry("reissue_certificate", "POST", f"{REGISTRATION}/certificate-reissues", c.ReissueCertificate,
                 CLERKS, "marriage", r.CertificateReissued, status=201,
                 summary="Reissue a lost certificate with a new number; the old number becomes invalid (M-7)."),
    CommandEntry("revoke_registration", "POST", f"{REGISTRATION}/revocation", c.RevokeRegistration, REGISTRARS,
                 "marriage", r.RegistrationChanged,
                 summary="Revoke a fraudulent registration citing the document (M-10)."),
    CommandEntry("record_court_outcome", "POST", f"{REGISTRATION}/court-outcomes", c.RecordCourtOutcome,
                 REGISTRARS, "marriage", r.RegistrationChanged, status=201,
                 summary="Record a court divorce, or a marriage declared void or annulled (M-9)."),
    CommandEntry("void_certificate_blank", "POST", f"{PREFIX}/certificate-stock/void", c.VoidCertificateBlank,
                 CLERKS, "blank", r.BlankVoided, status=201,
                 summary="Register a spoiled certificate blank as void, with the reason (M-7, K-5)."),
    CommandEntry("receive_certificate_blanks", "POST", f"{PREFIX}/certificate-stock/receipts",
                 c.ReceiveCertificateBlanks, CLERKS, "blank", r.BlanksReceived, status=201,
                 summary="Record a delivery of preprinted certificate blanks received by an office (K-5)."),
    CommandEntry("issue_certificate_blank", "POST", f"{PREFIX}/certificate-stock/issues", c.IssueCertificateBlank,
                 CLERKS, "blank", r.BlankIssued, status=201,
                 summary="Record the copy (字号 and holder) printed on a blank on hand (K-5)."),
    CommandEntry("issue_record_statement", "POST", f"{PREFIX}/record-statements", c.IssueRecordStatement, CLERKS,
                 "statement", r.RecordStatementIssued, status=201,
                 summary="Issue a record-of-registration statement (or the no-record statement) of the person's own "
                 "registrations, for a notarisation for Taiwan or the nine listed countries only (K-7); print it "
                 "with GET /v1/certificates/{number}.pdf?code=."),
    CommandEntry("apply_for_divorce", "POST", f"{PREFIX}/divorces", c.ApplyForDivorce, CLERKS, "divorce",
                 r.DivorceApplied, 201, "Divorce by agreement: the application opens the cooling-off period (M-8)."),
    CommandEntry("reissue_divorce_certificate", "POST", f"{DIVORCE}/certificate-reissues",
                 c.ReissueDivorceCertificate, CLERKS, "marriage", r.DivorceCertificateReissued, status=201,
                 summary="Reissue a lost divorce certificate with a new BL number of the reissuing office; the old "
                 "copy is invalid from that date (M-7, K-2, K-6)."),
    CommandEntry("withdraw_divorce", "POST", f"{DIVORCE}/withdrawal", c.WithdrawDivorce, CLERKS, "divorce",
                 r.DivorceWithdrawn, summary="Withdraw a divorce application within the cooling-off period (M-8)."),
    CommandEntry("register_divorce", "POST", f"{DIVORCE}/registration", c.RegisterDivorce, CLERKS, "divorce",
                 r.DivorceRegistered,
                 summary="Register the divorce: both parties appeared within the registration window (M-8)."),
)
