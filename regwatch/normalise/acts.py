"""Whether a clause tells an act done, speaks of the law at all, or only describes products or wishes.

Enforcement news about 7-OH says what the authority did (seized, sent warning letters, sued) and, around
it, what the law it enforces says ("Products containing 7-OH are illegal under federal law", "a federal
campaign against concentrated kratom derivatives", "the FDA wants to classify 7-OH as a Schedule 1 drug").
Those descriptive clauses read as restrictions, and a restriction outranks enforcement in models.principal;
reading.py therefore lets a restriction or ban lead a notice whose first act is enforcement only when its own
clause is `operative`: a verb of enactment in the realised form (banned, classified, signed, took effect),
and no word of wish, proposal or possibility around it (wants to, would, recommends, potential).
"""

from __future__ import annotations

import re

_REALISED = re.compile(
    r"\b(bans|banned|prohibits|prohibited|outlaws|outlawed|schedules|scheduled|placed|places|adds|added"
    r"|classifies|classified|criminali[sz](es|ed)|restricts|restricted|limits|limited|caps|capped"
    r"|emergency (rule|order)|enacts|enacted|signed|adopts|adopted|passes|passed|approves|approved"
    r"|makes it illegal|made it illegal|took effect|takes effect|went into effect|goes into effect"
    r"|voted (unanimously |\d+-\d+ |\d+ to \d+ )?(to|for))\b"
)
_UNREALISED = re.compile(
    r"\b(wants? to|wanted to|would|could|should|might|plans? to|planned to|seeks? to|sought to"
    r"|recommend(s|ed|ing|ation)?|urg(e|es|ed|ing)|propos(e|es|ed|ing|al)|consider(s|ed|ing)?|weigh(s|ed|ing)?"
    r"|potential|possible|pushing to|moving to|working to|calls? for|called for)\b"
)


def operative(folded: str) -> bool:
    """Whether a folded clause tells an act of law done (not one described, wished for or weighed)."""
    return _REALISED.search(folded) is not None and _UNREALISED.search(folded) is None


# Words without which a clause speaks of no law: "a months-long federal campaign against concentrated kratom
# derivatives", "Product labeled as 7-OH kratum sold at gas stations" name a class of products, nothing more.
_LAW_WORDS = re.compile(
    r"\b(ban|bans|banned|banning|prohibit\w*|illegal|unlawful|outlaw\w*|schedul\w*|controlled substances?|caps?|capped"
    r"|limits?|limited|limiting|restrict\w*|thresholds?|no more than|not (to )?exceed|exceed(s|ing)?|more than"
    r"|greater than|bills?|laws?|act|rules?|ordinances?|statutes?|regulations?|legislation|criminali[sz]\w*"
    r"|classif\w*|placement|place[sd]?|add(s|ed)?|emergency|order)\b"
)


def speaks_of_law(folded: str) -> bool:
    """Whether a folded clause holds any word of law (a ban, a schedule, a cap, a bill): a restriction read
    from one that holds none only names products."""
    return _LAW_WORDS.search(folded) is not None
