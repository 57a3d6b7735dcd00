"""The e-mail digest: what a day sends, the ledger of what was sent, and the mailer."""
