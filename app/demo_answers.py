"""Demo answers written for each question: an opening that takes up the question itself, then
sentences from the topic the question is about, at the candidate's level (strong, medium, weak).
No two questions get the same text, and two candidates rarely say the same thing."""

from __future__ import annotations

import random
import re

TOPICS: dict[str, tuple[str, ...]] = {
    "idempot|retry|duplicate": ("payment", "idempotency key", "retry"),
    "ledger|double-entry|reconcil|balance": ("ledger", "reconciliation", "balance"),
    "concurren|lock|race|isolation": ("transaction", "row lock", "isolation level"),
    "kafka|queue|event|message|outbox": ("event", "consumer", "outbox"),
    "incident|outage|on-call|production": ("incident", "rollback", "postmortem"),
    "team|mentor|conflict|disagree|stakeholder|feedback": ("team", "decision", "feedback"),
    "scale|latency|throughput|performance|cache": ("latency budget", "cache", "load test"),
}
DEFAULT_TOPIC = ("service", "design", "trade-off")
OPENINGS = {
    "strong": ("The way I'd approach {q}: start from the failure cases, not the happy path.",
               "For {q}, I'd first pin down what must never happen, and design around that.",
               "I've dealt with {q} twice in production, so let me start from what went wrong the first time."),
    "medium": ("For {q}, my first step would be to look at how the current system does it.",
               "I think {q} mostly comes down to getting the data model right.",
               "With {q}, I would keep it simple at first and improve it once we see real traffic."),
    "weak": ("I haven't done {q} myself, but I would read up on it.",
             "For {q} I'd probably use whatever the framework gives us.",
             "I'm not sure about {q}; I would ask a senior colleague."),
}
BODIES = {
    "strong": ("Each {0} carries a key stored in the same transaction as the state change, so a repeat returns the first result.",
               "I'd make the {1} explicit and test it with a fault-injection run before we rely on it.",
               "The {2} is the part I'd measure: we agreed on numbers up front and alerted when we drifted.",
               "When the {0} path and the {1} disagreed, we trusted the one we could audit and fixed the other.",
               "I wrote the runbook for the {2} myself, and the next on-call used it without calling me."),
    "medium": ("I'd add a unique constraint so a second {0} fails instead of writing twice.",
               "We would log the {1} and look at it if support reports a problem.",
               "The {2} depends on the team's conventions, so I'd follow those.",
               "I'd wrap the {0} in a transaction and retry a few times with backoff."),
    "weak": ("The database should take care of the {0}.",
             "We could monitor the {1} in production and fix issues as they come.",
             "I'd try a few things with the {2} until it works."),
}


def _topic(question_text: str) -> tuple[str, ...]:
    lowered = question_text.lower()
    return next((words for pattern, words in TOPICS.items() if re.search(pattern, lowered)), DEFAULT_TOPIC)


def _focus(question_text: str) -> str:
    """The question's subject in a few words, to take up in the opening."""
    first = re.split(r"[?.:]", question_text.strip())[0]
    words = first.split()
    return " ".join(words[:12]).lower().rstrip(",") + ("…" if len(words) > 12 else "")


def answer_for(rng: random.Random, question: dict, ability: float) -> str:
    """A believable answer to this question from someone at `ability` (1–5)."""
    tier = "strong" if ability >= 3.6 else "medium" if ability >= 2.6 else "weak"
    text = str(question.get("text", ""))
    opening = rng.choice(OPENINGS[tier]).format(q=f"“{_focus(text)}”")
    count = {"strong": 3, "medium": 2, "weak": 1}[tier]
    body = [s.format(*_topic(text)) for s in rng.sample(BODIES[tier], count)]
    return " ".join([opening, *body])
