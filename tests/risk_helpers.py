def answer_all(assessment, yes: int, dont_know: int = 0):
    """Answer every question: `yes` Yes, then `dont_know` Don't know, the rest No."""
    answers = list(assessment.answers.order_by("question__number"))
    for i, answer in enumerate(answers):
        answer.value = "yes" if i < yes else "dont_know" if i < yes + dont_know else "no"
        answer.save(update_fields=["value"])
    return assessment
