"""Error types shared by the survey modules.

Kept in their own module so that the definition loader, the question types and
the condition parser can all raise them without importing each other.
"""


class DefinitionError(ValueError):
    """A questionnaire file is invalid.

    The message names the file, the question and the problem in Chinese because
    the people who edit the YAML files are city union staff, not programmers.
    """

    def __init__(self, source: str, question: str | None, problem: str):
        self.source = source
        self.question = question
        self.problem = problem
        super().__init__(str(self))

    def __str__(self) -> str:
        if self.question:
            return f"{self.source} 第 {self.question} 题：{self.problem}"
        return f"{self.source}：{self.problem}"


class AnswerError(ValueError):
    """One answer is invalid; ``message`` is shown to the respondent as is."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)
