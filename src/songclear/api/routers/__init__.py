"""One router per concept: the ledger, a platform's library and audits, audio identification, the system."""
