"""The adoption rules (A-1 to A-17), pure: the deciders get their facts and new ids as arguments."""
