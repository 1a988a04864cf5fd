class DomainError(Exception):
    """A refused command, with a message key that the views translate for the person.

    `code` names an entry under `errors.` in the translation catalogues; `params` fill it.
    """

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    def __repr__(self) -> str:
        return f"DomainError({self.code!r}, {self.params!r})"
