"""The Administrative Licensing Law's acts for every permit type, split by topic.

Every service is keyword-only, atomic, audited and takes the acting user; it finds the
permit type's models, flow, documents and texts through ``licensing.spec.spec_for``.
"""
