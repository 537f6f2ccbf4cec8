"""Claims, the steps of their cases, and the evidence files they point to (stored by content hash).

A claim is stored once (its id is the claimant's reference); each later step — answered, taken down,
counter-notice, suit reported, restored — is a row of ``claim_steps``, so a case is rebuilt from its history and
nothing is overwritten.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from songclear.domain.enforcement.auditlog import canonical_json
from songclear.domain.enforcement.claims import Claim, ClaimAnswer, ItemAnswer, Outcome, Verdict
from songclear.domain.enforcement.counternotice import ClaimCase, CounterNotice
from songclear.domain.enforcement.deadlines import Deadline, Regime
from songclear.errors import InputError, NotFound
from songclear.store import tables
from songclear.store.takedowns import action_from_dict, action_to_dict

C, S, E = tables.claims, tables.claim_steps, tables.evidence_files


def claim_to_dict(c: Claim) -> dict:
    return {
        "id": c.id, "regime": c.regime.value, "claimant": c.claimant, "platform": c.platform,
        "received_at": c.received_at.isoformat(), "agent": c.agent, "agent_authorisation": c.agent_authorisation,
        "contact": c.contact, "address": c.address, "identity": c.identity, "signature": c.signature,
        "recordings": list(c.recordings), "works": list(c.works), "items": list(c.items), "territory": c.territory,
        "use": c.use, "evidence": list(c.evidence), "statements": sorted(c.statements),
        "order_deadline": c.order_deadline.isoformat() if c.order_deadline else None,
    }  # fmt: skip


def claim_from_dict(d: dict) -> Claim:
    order = d.get("order_deadline")
    return Claim(
        id=d["id"], regime=Regime(d["regime"]), claimant=d["claimant"], platform=d["platform"],
        received_at=datetime.fromisoformat(d["received_at"]), agent=d.get("agent"),
        agent_authorisation=d.get("agent_authorisation"), contact=d.get("contact", ""),
        address=d.get("address", ""), identity=d.get("identity", ""), signature=d.get("signature", ""),
        recordings=tuple(d.get("recordings", ())), works=tuple(d.get("works", ())), items=tuple(d.get("items", ())),
        territory=d.get("territory", "CN"), use=d.get("use", "Stream"), evidence=tuple(d.get("evidence", ())),
        statements=frozenset(d.get("statements", ())),
        order_deadline=datetime.fromisoformat(order) if order else None,
    )  # fmt: skip


def deadline_to_dict(d: Deadline | None) -> dict | None:
    return None if d is None else {"kind": d.kind, "due": d.due.isoformat(), "basis": d.basis}


def answer_to_dict(a: ClaimAnswer) -> dict:
    return {
        "claim": a.claim_id, "claimant": a.claimant, "outcome": a.outcome.value, "message": a.message(),
        "missing": list(a.missing), "refused_subjects": list(a.refused_subjects), "conflicts": list(a.conflicts),
        "items": [
            {
                "item": i.item, "verdict": i.verdict.value, "detail": i.detail, "recording": i.recording,
                "proof": [list(c) for c in i.proof], "action": action_to_dict(i.action) if i.action else None,
                "due": deadline_to_dict(i.due),
            }
            for i in a.items
        ],
    }  # fmt: skip


def answer_from_dict(d: dict) -> ClaimAnswer:
    items = tuple(
        ItemAnswer(
            i["item"], Verdict(i["verdict"]), i["detail"], i["recording"], tuple(tuple(c) for c in i["proof"]),
            action_from_dict(i["action"]) if i["action"] else None,
            Deadline(i["due"]["kind"], datetime.fromisoformat(i["due"]["due"]), i["due"]["basis"]) if i["due"] else None,
        )
        for i in d["items"]
    )  # fmt: skip
    return ClaimAnswer(
        d["claim"], d["claimant"], Outcome(d["outcome"]), tuple(d["missing"]), items,
        tuple(d["refused_subjects"]), tuple(d["conflicts"]),
    )  # fmt: skip


def counter_to_dict(n: CounterNotice) -> dict:
    return {
        "id": n.id, "claim_id": n.claim_id, "respondent": n.respondent, "received_at": n.received_at.isoformat(),
        "forwarded_at": n.forwarded_at.isoformat() if n.forwarded_at else None, "contact": n.contact,
        "address": n.address, "identity": n.identity, "signature": n.signature, "items": list(n.items),
        "evidence": list(n.evidence), "statements": sorted(n.statements),
    }  # fmt: skip


def counter_from_dict(d: dict) -> CounterNotice:
    fwd = d.get("forwarded_at")
    return CounterNotice(
        id=d["id"], claim_id=d["claim_id"], respondent=d.get("respondent", ""),
        received_at=datetime.fromisoformat(d["received_at"]),
        forwarded_at=datetime.fromisoformat(fwd) if fwd else None, contact=d.get("contact", ""),
        address=d.get("address", ""), identity=d.get("identity", ""), signature=d.get("signature", ""),
        items=tuple(d.get("items", ())), evidence=tuple(d.get("evidence", ())),
        statements=frozenset(d.get("statements", ())),
    )  # fmt: skip


class ClaimRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # -- evidence ---------------------------------------------------------------------------------------------

    def store_evidence(self, name: str, content: bytes, *, at: datetime) -> str:
        """Keep a file's content under its sha256 (the same content twice is stored once); returns the hash."""
        sha = hashlib.sha256(content).hexdigest()
        if self.session.execute(select(E.c.id).where(E.c.sha256 == sha)).first() is None:
            self.session.execute(
                insert(E).values(sha256=sha, name=name, size=len(content), content=content, recorded_at=at)
            )
        return sha

    def evidence(self, sha256: str) -> bytes:
        content = self.session.execute(select(E.c.content).where(E.c.sha256 == sha256)).scalar()
        if content is None:
            raise NotFound(f"no evidence file with sha256 {sha256}")
        return bytes(content)

    def known_evidence(self, hashes) -> set[str]:
        hashes = list(set(hashes))
        return (
            set(self.session.execute(select(E.c.sha256).where(E.c.sha256.in_(hashes))).scalars())
            if hashes
            else set()
        )

    # -- claims -----------------------------------------------------------------------------------------------

    def save_claim(self, claim: Claim, missing: tuple[str, ...], *, at: datetime) -> bool:
        """Store a claim; False if the very same claim is stored already. A different claim under a stored id
        is refused: a claim is never overwritten."""
        text = canonical_json(claim_to_dict(claim))
        found = self.session.execute(select(C.c.claim).where(C.c.claim_id == claim.id)).scalar()
        if found is not None:
            if found != text:
                raise InputError(
                    f"claim {claim.id} is already stored with other content: give the new one its own id"
                )
            return False
        self.session.execute(
            insert(C).values(
                claim_id=claim.id, regime=claim.regime.value, claimant=claim.claimant, platform=claim.platform,
                received_at=claim.received_at, claim=text, complete=not missing,
                missing=canonical_json(list(missing)), recorded_at=at,
            )
        )  # fmt: skip
        return True

    def get(self, claim_id: str) -> tuple[Claim, tuple[str, ...]]:
        row = self.session.execute(select(C).where(C.c.claim_id == claim_id)).first()
        if row is None:
            raise NotFound(f"no claim {claim_id!r}: add it with 'songclear claim add'")
        return claim_from_dict(json.loads(row.claim)), tuple(json.loads(row.missing))

    def all(self, platform: str | None = None) -> list[tuple[Claim, tuple[str, ...]]]:
        q = select(C).order_by(C.c.received_at, C.c.claim_id)
        if platform is not None:
            q = q.where(C.c.platform == platform)
        return [
            (claim_from_dict(json.loads(r.claim)), tuple(json.loads(r.missing)))
            for r in self.session.execute(q)
        ]

    # -- steps ------------------------------------------------------------------------------------------------

    def add_step(self, claim_id: str, step: str, *, at: datetime, actor: str, payload: dict) -> None:
        self.session.execute(
            insert(S).values(
                claim_id=claim_id, step=step, at=at, actor=actor, payload=canonical_json(payload)
            )
        )

    def steps(self, claim_id: str) -> list[tuple[str, datetime, str, dict]]:
        q = select(S).where(S.c.claim_id == claim_id).order_by(S.c.id)
        return [(r.step, r.at, r.actor, json.loads(r.payload)) for r in self.session.execute(q)]

    def case(self, claim_id: str) -> ClaimCase:
        """The claim's case rebuilt from its steps, in the order they were taken."""
        claim, _ = self.get(claim_id)
        case = ClaimCase(claim)
        for step, at, _, payload in self.steps(claim_id):
            if step == "answered":
                case = case.answered(answer_from_dict(payload))
            elif step == "taken-down" and case.taken_down_at is None:
                case = case.took_down(at)
            elif step == "counter":
                case = replace(
                    case, counter=counter_from_dict(payload["counter"]), counter_valid=payload["valid"]
                )
            elif step == "suit":
                case = case.suit_reported(datetime.fromisoformat(payload["reported_at"]))
            elif step == "restored":
                case = case.restored(at)
        return case

    def cases(self, platform: str | None = None) -> list[ClaimCase]:
        return [self.case(c.id) for c, _ in self.all(platform)]
