"""The marriage application: load, decide, append in one transaction; reactions; queries; imports."""
