"""Pure rules of Plenum: no I/O, no imports from the rest of the project."""
