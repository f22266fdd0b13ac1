"""The child welfare application: load a child's file, decide, append with the inline read models in one
transaction; the reactions to funeral and relief-station events; the scheduled terminations and transfers."""
