"""Whether a clause tells an act done, or only describes the law or an act wished for.

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
