"""The patient record service: registration, FHIR genomic reports, sign-off and a hash-chained audit log.

Patient identifiers (NHS number, name, date of birth) live only in this service's database; the workflow
only ever sees the pseudonymous sample ID that registration hands out.
"""
