"""The child welfare domain: commands, events, the child's file and its evolution, the rules C-1 to C-7 and
the allowance ledger (C-5). Pure: no database, no broker, no clock."""
