"""The relief work domain, free of I/O: commands, events, the case state with `evolve`, `decide_*` functions
and the rules V-1 to V-10 as `check_*` guards (domain.md section 4)."""
