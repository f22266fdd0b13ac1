"""The adoption commands (A-1 to A-17): one line each — name, route, body, answer, roles, stream. The service
pairs each with its handler (`application/handlers.py`); the RPC entrypoints and the gateway's routes are
generated from this table. Adoption registrars record for their own registry office (A-1); `admin` records no
adoption business (separation of duties, release 2)."""

from __future__ import annotations

from services.adoption.contract import commands as c
from services.adoption.contract import responses as r
from shared.reference.contract import CommandEntry, command_table
from shared.reference.parameters import package_parameters

PREFIX = "/v1/adoption"
REGISTRARS = frozenset({"adoption_registrar"})
READERS = REGISTRARS | {"oversight"}
REGISTRATION = f"{PREFIX}/registrations/<adoption_id>"
NOTICE = f"{PREFIX}/notices/<notice_id>"
APPLICATION = f"{PREFIX}/applications/<application_id>"
ASSESSMENT = f"{PREFIX}/assessments/<assessment_id>"

COMMANDS = command_table(
    CommandEntry("record_assessment", "POST", f"{PREFIX}/assessments", c.RecordAssessment, REGISTRARS,
                 "assessment", r.AdoptionAssessment, 201,
                 "Record an assessment of the adopters, or open it at their consent (A-10)."),
    CommandEntry("report_assessment", "POST", f"{ASSESSMENT}/report", c.ReportAssessment, REGISTRARS,
                 "assessment", r.AdoptionAssessment,
                 summary="Record the report of an assessment opened at the adopters' consent (A-10)."),
    CommandEntry("record_living_together", "POST", f"{ASSESSMENT}/living-together", c.RecordLivingTogether,
                 REGISTRARS, "assessment", r.AdoptionAssessment,
                 summary="Record the living-together period of an assessment awaiting its report (A-10)."),
    CommandEntry("publish_notice", "POST", f"{PREFIX}/notices", c.PublishFoundlingNotice, REGISTRARS, "notice",
                 r.FoundlingNotice, 201, "Publish the 60-day notice seeking a foundling's parents (A-11).",
                 location=f"{PREFIX}/notices/<notice_id>"),
    CommandEntry("claim_foundling", "POST", f"{NOTICE}/claim", c.ClaimFoundling, REGISTRARS, "notice",
                 r.FoundlingNotice, summary="Record that a foundling was claimed within its notice (A-11)."),
    CommandEntry("receive_application", "POST", f"{PREFIX}/applications", c.ReceiveApplication, REGISTRARS,
                 "application", r.AdoptionApplication, 201,
                 "Record an application received in person, to be decided within 30 days (A-12).",
                 location=APPLICATION),
    CommandEntry("refuse_application", "POST", f"{APPLICATION}/refusal", c.RefuseApplication, REGISTRARS,
                 "application", r.AdoptionApplication,
                 summary="Refuse an application with the rules' codes and the reason (A-12)."),
    CommandEntry("register_adoption", "POST", f"{PREFIX}/registrations", c.RegisterAdoption, REGISTRARS,
                 "adoption", r.AdoptionRegistered, 201,
                 "Register an adoption and issue the 收养登记证 (A-2 to A-14, K-1).",
                 location=REGISTRATION),
    CommandEntry("dissolve_adoption", "POST", f"{REGISTRATION}/dissolution", c.DissolveAdoption, REGISTRARS,
                 "adoption", r.Adoption, summary="Dissolve an adoption by agreement or by court (A-16)."),
    CommandEntry("revoke_adoption", "POST", f"{REGISTRATION}/revocation", c.RevokeAdoption, REGISTRARS,
                 "adoption", r.Adoption, summary="Record a void or revoked registration (A-17)."),
)


def certificate_prefixes() -> frozenset[str]:
    """K-2: every prefix an adoption document has carried (configurable in `rule_parameters.yaml`, `SY` and `SJ`
    by default), so that a number can be routed to this service (`GET /v1/certificates/{number}.pdf`)."""
    parameters = package_parameters("services.adoption")
    return frozenset(str(period.value) for name in parameters.names() if name.startswith("adoption.certificate_prefix.")
                     for period in parameters.history(name))
